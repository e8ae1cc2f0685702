import { parseWithValibot } from "~/lib/form-submission";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireOwnPickupPoint, requirePermission, requireRole } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { formatDate, formatFen } from "~/lib/format";
import { shortOrderId } from "~/modules/leaders/commission";
import { MARK_RETURNED_INTENT, MarkReturnedInput } from "~/modules/leaders/uncollected";
import { listUncollectedOrders, markUncollectedReturned } from "~/modules/leaders/uncollected.server";

/**
 * Uncollected goods: the orders of the leader's point flagged by the cron (ready for pickup longer
 * than the setting allows), and "mark returned" with a confirmation step that works without
 * JavaScript (a link to ?confirm=<order>, then a form post).
 */

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "leaderMoney.uncollected.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "leader");
  const point = await requireOwnPickupPoint(context, user);
  return listUncollectedOrders(context, point.id);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(context, request, "handover:order:own-point");
  const point = await requireOwnPickupPoint(context, user);
  const submission = parseWithValibot(await request.formData(), { schema: MarkReturnedInput });
  if (submission.status !== "success") {
    const field = submission.error?.orderId?.[0] ? "orderId" : "intent";
    const given = submission.error?.[field]?.[0];
    // valibot's own sentence (a missing key) is not one of our codes
    const code = given && !given.includes(" ") ? given : `${field === "orderId" ? "order" : "intent"}_invalid`;
    return data({ error: code, fieldErrors: { [field]: [code] } as Record<string, string[]>, done: null }, { status: 400 });
  }
  const result = await markUncollectedReturned(context, { pointId: point.id, userId: user.id, orderId: submission.value.orderId, origin: new URL(request.url).origin });
  if (!result.ok) {
    // Another point's order (or none) is not found: the same answer as for an order that does not exist.
    if (result.error.code === "order_not_found") throw new Response("Not Found", { status: 404 });
    return data({ error: result.error.code as string, done: null }, { status: 409 });
  }
  return { error: null, done: { orderId: submission.value.orderId, amountFen: result.value.amountFen, refunded: result.value.refundId !== null } };
}

export default function LeaderUncollected() {
  const { t, i18n } = useTranslation();
  const { orders, refundBp, afterDays } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const confirmId = actionData?.done ? null : params.get("confirm");
  const rate = (refundBp / 100).toFixed(refundBp % 100 === 0 ? 0 : 2);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("leaderMoney.uncollected.title")}</h1>
      <p className="text-sm text-muted">{t("leaderMoney.uncollected.intro", { days: afterDays, rate })}</p>
      {actionData?.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {actionData.done.refunded
            ? t("leaderMoney.uncollected.returned", { id: shortOrderId(actionData.done.orderId), amount: formatFen(actionData.done.amountFen) })
            : t("leaderMoney.uncollected.returnedNoRefund", { id: shortOrderId(actionData.done.orderId) })}
        </p>
      ) : null}
      {actionData?.error ? (
        <p role="alert" className="rounded-xl bg-danger-50 p-3 text-sm text-danger">
          {t(`leaderMoney.errors.${actionData.error}`, { defaultValue: t("leaderMoney.errors.generic") })}
        </p>
      ) : null}
      {orders.length === 0 ? <p className="card text-sm">{t("leaderMoney.uncollected.empty")}</p> : null}
      <ul className="space-y-3">
        {orders.map((o) => (
          <li key={o.id} id={`order-${o.id}`} className="card space-y-3" data-order={o.id}>
            <div className="flex items-start justify-between gap-3">
              <div>
                <p className="text-lg font-semibold">
                  {o.customer}
                  {o.phone ? <span className="ml-2 tabular text-sm font-normal text-muted">{o.phone}</span> : null}
                </p>
                <p className="text-sm text-muted">
                  <span className="font-mono" title={o.id}>
                    {shortOrderId(o.id)}
                  </span>{" "}
                  · {t("leaderMoney.uncollected.arrivedOn", { date: formatDate(o.arrivedAt, i18n.language) })}
                  {o.door ? ` · ${t("leaderMoney.uncollected.door")}` : ""}
                </p>
              </div>
              <span className="shrink-0 rounded-full bg-danger-50 px-3 py-1 text-sm font-semibold text-danger tabular">{t("leaderMoney.uncollected.waiting", { count: o.daysWaiting })}</span>
            </div>
            <ul className="divide-y divide-line text-base" aria-label={t("leaderMoney.uncollected.items")}>
              {o.items.map((i, n) => (
                <li key={n} className="flex justify-between gap-3 py-2">
                  <span>
                    {i.title} <span className="text-sm text-muted">{i.spec}</span>
                  </span>
                  <span className="shrink-0 text-right tabular">
                    {i.waitingQty ? <span className="font-semibold">{t("leaderMoney.uncollected.waitingQty", { count: i.waitingQty })}</span> : null}
                    {i.pickedUpQty ? <span className="block text-sm text-muted">{t("leaderMoney.uncollected.pickedQty", { count: i.pickedUpQty })}</span> : null}
                  </span>
                </li>
              ))}
            </ul>
            {confirmId === o.id ? (
              <div className="space-y-3 rounded-xl border border-danger p-3" role="group" aria-labelledby={`confirm-${o.id}`}>
                <p id={`confirm-${o.id}`} className="font-semibold">
                  {t("leaderMoney.uncollected.confirmTitle", { id: shortOrderId(o.id) })}
                </p>
                <p className="text-sm">
                  {o.refundFen > 0
                    ? t("leaderMoney.uncollected.confirmBody", { units: o.units, paid: formatFen(o.paidForUnitsFen), refund: formatFen(o.refundFen) })
                    : t("leaderMoney.uncollected.confirmBodyNoRefund", { units: o.units })}
                </p>
                <div className="grid grid-cols-2 gap-3">
                  <Link to="/leader/uncollected" className="btn-secondary inline-flex min-h-12 items-center justify-center" preventScrollReset>
                    {t("leaderMoney.uncollected.cancel")}
                  </Link>
                  <Form method="post" action="/leader/uncollected" preventScrollReset>
                    <input type="hidden" name="intent" value={MARK_RETURNED_INTENT} />
                    <input type="hidden" name="orderId" value={o.id} />
                    <button type="submit" className="btn-danger min-h-12 w-full" disabled={navigation.state === "submitting"}>
                      {t("leaderMoney.uncollected.confirm")}
                    </button>
                  </Form>
                </div>
              </div>
            ) : (
              <Link to={`?confirm=${o.id}#order-${o.id}`} className="btn-secondary inline-flex min-h-12 w-full items-center justify-center" preventScrollReset>
                {t("leaderMoney.uncollected.markReturned")}
              </Link>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
