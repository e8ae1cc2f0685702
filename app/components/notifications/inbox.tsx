import { Form, Link, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { formatDateTime } from "~/lib/format";
import { renderNotice, type NoticeData } from "~/modules/notifications/notice-kinds";

export interface InboxItemView {
  id: string;
  kind: string;
  data: NoticeData;
  link: string | null;
  read: boolean;
  createdAt: number;
}

/**
 * A reader's notices, newest first: unread ones stand out (tinted, bold, a dot and a
 * screen-reader "unread"), each opens its link, one button marks all read, older pages by link.
 * The page's route answers the `mark-all-read` intent. Works before JavaScript loads.
 */
export function Inbox({
  items,
  unread,
  nextCursor,
  isFirstPage,
  markedRead,
  children,
}: {
  items: InboxItemView[];
  unread: number;
  nextCursor: string | null;
  isFirstPage: boolean;
  /** How many were just marked read (after the mark-all-read action), to confirm it. */
  markedRead?: number | null;
  /** Shown between the heading and the list (e.g. the push toggle). */
  children?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "mark-all-read";
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">{t("notices.title")}</h1>
          <p className="text-sm text-muted tabular" data-testid="inbox-unread">
            {t("notices.unread", { count: unread })}
          </p>
        </div>
        {unread > 0 ? (
          <Form method="post" replace>
            <input type="hidden" name="intent" value="mark-all-read" />
            <button type="submit" className="btn-secondary min-h-12" disabled={busy}>
              {t("notices.markAllRead")}
            </button>
          </Form>
        ) : null}
      </div>
      {markedRead ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t("notices.markedRead", { count: markedRead })}
        </p>
      ) : null}
      {children}
      {items.length === 0 ? (
        <p className="card text-sm">{t("notices.empty")}</p>
      ) : (
        <ul className="card divide-y divide-line p-0" aria-label={t("notices.title")}>
          {items.map((item) => {
            const { title, body } = renderNotice(t as (key: string, options?: Record<string, unknown>) => string, item);
            const content = (
              <>
                <span className="flex items-start gap-2">
                  {item.read ? null : <span aria-hidden className="mt-2 size-2.5 shrink-0 rounded-full bg-price" />}
                  <span className="min-w-0 flex-1">
                    <span className={`block ${item.read ? "font-medium" : "font-bold"}`}>
                      {item.read ? null : <span className="sr-only">{t("notices.unreadMark")}: </span>}
                      {title}
                    </span>
                    <span className={`mt-0.5 block text-sm ${item.read ? "text-muted" : "text-ink"}`}>{body}</span>
                    <time className="mt-1 block text-xs text-muted tabular" dateTime={new Date(item.createdAt).toISOString()}>
                      {formatDateTime(item.createdAt, i18n.language)}
                    </time>
                  </span>
                </span>
              </>
            );
            const className = `block min-h-12 px-4 py-3 ${item.read ? "" : "bg-brand-50"}`;
            return (
              <li key={item.id} data-testid="inbox-item" data-read={item.read ? "true" : "false"}>
                {item.link ? (
                  <Link to={item.link} className={`${className} hover:bg-surface`}>
                    {content}
                  </Link>
                ) : (
                  <div className={className}>{content}</div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {!isFirstPage || nextCursor ? (
        <nav className="flex justify-between gap-3" aria-label={t("notices.pages")}>
          {isFirstPage ? (
            <span />
          ) : (
            <Link to="." className="btn-secondary min-h-12">
              {t("notices.newest")}
            </Link>
          )}
          {nextCursor ? (
            <Link to={`?before=${encodeURIComponent(nextCursor)}`} className="btn-secondary min-h-12">
              {t("notices.older")}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}
