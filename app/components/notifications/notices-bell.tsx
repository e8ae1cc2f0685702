import { Link } from "@remix-run/react";
import Bell from "lucide-react/icons/bell";
import { useTranslation } from "react-i18next";

/**
 * A bell that opens an inbox, with the unread count as a badge (for a shell's header; ≥ 48 px).
 * The count comes from the shell's loader: `countUnread(context, user.id, "leader")`.
 */
export function NoticesBell({ to, unread, className = "" }: { to: string; unread: number; className?: string }) {
  const { t } = useTranslation();
  const label = unread ? `${t("notices.title")}（${t("notices.unread", { count: unread })}）` : t("notices.title");
  return (
    <Link to={to} aria-label={label} title={label} className={`relative inline-flex size-12 items-center justify-center rounded-full ${className}`}>
      <Bell aria-hidden className="size-6" />
      {unread ? (
        <span aria-hidden className="tabular absolute top-1 right-0.5 min-w-5 rounded-full bg-price px-1 text-center text-[0.7rem] leading-5 font-bold text-white">
          {unread > 99 ? "99+" : unread}
        </span>
      ) : null}
    </Link>
  );
}
