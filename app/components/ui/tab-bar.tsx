import { NavLink } from "@remix-run/react";
import type { LucideIcon } from "lucide-react";

export interface Tab {
  to: string;
  label: string;
  icon: LucideIcon;
  end?: boolean;
  primary?: boolean;
}

/** Bottom navigation for the mobile shells (shopper, leader). Targets are ≥ 48 px tall. */
export function TabBar({ tabs, label }: { tabs: Tab[]; label: string }) {
  return (
    <nav aria-label={label} className="no-print fixed inset-x-0 bottom-0 z-40 border-t border-line bg-white pb-[env(safe-area-inset-bottom)]">
      <ul className="mx-auto flex max-w-[30rem]">
        {tabs.map((tab) => (
          <li key={tab.to} className="flex-1">
            <NavLink
              to={tab.to}
              end={tab.end}
              prefetch="intent"
              className={({ isActive }) =>
                `flex min-h-14 flex-col items-center justify-center gap-0.5 text-xs ${isActive ? "font-semibold text-brand-700" : "text-muted"}`
              }
            >
              <tab.icon aria-hidden className={tab.primary ? "size-7" : "size-6"} />
              <span>{tab.label}</span>
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
