import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { formatDateTime, formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { listMyGroups } from "~/modules/group-deals/groups.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "groupDeals.me.title")} · ${translate(locale, "app.name")}` }];
};

/**
 * My groups (我的拼团): every group the shopper joined, newest first, with its status, progress,
 * what they paid, their final charge once it closed, and the group refunds (done or on the way).
 * Shown even while the feature switch is off: these are the shopper's own orders and refunds.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const locale = resolveLocale(request);
  const groups = await listMyGroups(context, user.id, locale);
  return {
    locale,
    groups: groups.map((g) => ({
      groupId: g.groupId,
      status: g.status,
      memberStatus: g.memberStatus,
      orderId: g.orderId,
      title: g.title,
      imageUrl: g.imageUrl,
      quantity: g.quantity,
      capacity: g.capacity,
      paidCount: g.paidCount,
      deadlineAt: g.deadlineAt,
      paidFen: g.paidFen,
      finalChargeFen: g.finalChargeFen,
      refundedFen: g.refundedFen,
      refundPendingFen: g.refundPendingFen,
    })),
  };
}

const BADGE: Record<string, string> = {
  open: "bg-price text-white",
  succeeded: "bg-brand-600 text-white",
  failed: "bg-surface text-muted",
};

export default function MyGroups() {
  const { t } = useTranslation();
  const { groups, locale } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-3 p-4">
      <h1 className="text-2xl font-bold">{t("groupDeals.me.title")}</h1>
      {groups.length === 0 ? (
        <div className="card space-y-3">
          <p className="text-muted">{t("groupDeals.me.empty")}</p>
          <Link to="/" className="btn-primary w-full">
            {t("groupDeals.me.browse")}
          </Link>
        </div>
      ) : (
        <ul className="space-y-3" data-testid="my-groups">
          {groups.map((g) => (
            <li key={g.orderId} className="card space-y-2" data-group={g.groupId}>
              <div className="flex gap-3">
                {g.imageUrl ? <img src={g.imageUrl} alt="" width={64} height={64} loading="lazy" className="size-16 shrink-0 rounded-xl bg-brand-50 object-cover" /> : <span aria-hidden className="size-16 shrink-0 rounded-xl bg-brand-50" />}
                <div className="min-w-0 flex-1 space-y-1">
                  <h2 className="flex items-start justify-between gap-2">
                    <span className="line-clamp-2 font-semibold">{g.title}</span>
                    <span className={`shrink-0 rounded-full px-2 text-sm leading-6 ${BADGE[g.status] ?? ""}`}>{t(`groupDeals.status.${g.status}`)}</span>
                  </h2>
                  <p className="text-sm text-muted">
                    <span className="tabular">{t("groupDeals.progress", { paid: g.paidCount, capacity: g.capacity })}</span>
                    {" · × "}
                    <span className="tabular">{g.quantity}</span>
                    {g.status === "open" ? ` · ${t("groupDeals.deadline", { time: formatDateTime(g.deadlineAt, locale) })}` : ""}
                  </p>
                </div>
              </div>
              <p className="tabular flex flex-wrap gap-x-3 text-sm">
                {g.memberStatus === "left" ? <span className="text-muted">{t("groupDeals.mine.left")}</span> : null}
                {g.paidFen > 0 ? <span>{t("groupDeals.me.paid", { amount: formatFen(g.paidFen) })}</span> : null}
                {g.finalChargeFen !== null ? <span className="font-semibold text-price">{t("groupDeals.me.finalCharge", { amount: formatFen(g.finalChargeFen) })}</span> : null}
                {g.refundedFen > 0 ? <span className="text-brand-800">{t("groupDeals.me.refunded", { amount: formatFen(g.refundedFen) })}</span> : null}
                {g.refundPendingFen > 0 ? <span>{t("groupDeals.me.refundPending", { amount: formatFen(g.refundPendingFen) })}</span> : null}
              </p>
              <p className="flex gap-2">
                <Link to={`/groups/${g.groupId}`} className="btn-secondary min-h-11 flex-1 text-sm">
                  {t("groupDeals.me.group")}
                </Link>
                <Link to={`/orders/${g.orderId}`} className="btn-secondary min-h-11 flex-1 text-sm">
                  {t("groupDeals.me.order")}
                </Link>
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
