import { NavLink } from "@remix-run/react";
import type { LucideIcon } from "lucide-react";

export interface Tab {
  to: string;
  label: string;
  icon: LucideIcon;
  end?: boolean;
  primary?: boolean;
  /** A count shown on the icon (e.g. items in the cart); hidden when 0. */
  badge?: number;
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
              <span className={tab.primary ? "relative -mt-5 grid size-14 place-items-center rounded-full bg-brand-600 text-white shadow-lg ring-4 ring-white" : "relative"}>
                <tab.icon aria-hidden className={tab.primary ? "size-7" : "size-6"} />
                {tab.badge ? (
                  <span aria-hidden className="tabular absolute -top-1.5 -right-2.5 min-w-5 rounded-full bg-price px-1 text-center text-[0.7rem] leading-5 font-bold text-white">
                    {tab.badge > 99 ? "99+" : tab.badge}
                  </span>
                ) : null}
              </span>
              <span>
                {tab.label}
                {tab.badge ? <span className="sr-only">{` (${tab.badge})`}</span> : null}
              </span>
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
