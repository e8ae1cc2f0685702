import { parseWithValibot } from "~/lib/form-submission";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import Phone from "lucide-react/icons/phone";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { requireUser } from "~/auth/guards.server";
import { Countdown, formatSaleTime } from "~/components/flash-sales/countdown";
import { FormErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { formatDateTime, formatFen } from "~/lib/format";
import { qrSvg } from "~/lib/qr.server";
import { resolveLocale } from "~/lib/preferences.server";
import { cancelOrder, getOrderForOwner } from "~/modules/orders/orders.server";
import { AFTER_SALES_REASONS, MAX_PHOTOS } from "~/modules/orders/after-sales";
import { requestAfterSales } from "~/modules/orders/after-sales.server";
import { CANCELLABLE, canRequestRefund } from "~/modules/orders/state-machine";
import { configuredProviders } from "~/modules/payments/providers";
import { processRefunds, startPayment } from "~/modules/payments/payments.server";
import { getOrderReviewStates } from "~/modules/reviews/reviews.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "orders.detailTitle")} · ${translate(locale, "app.name")}` }];
};

const AfterSalesInput = v.object({
  reason: v.picklist(AFTER_SALES_REASONS, "reason_required"),
  note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(500, "text_too_long"))),
});

const OrderAction = v.pipe(
  v.object({
    intent: v.picklist(["pay", "cancel"], "intent_invalid"),
    provider: v.optional(v.picklist(["sandbox", "wechat", "alipay"], "provider_invalid")),
    reason: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200, "text_too_long"))),
  }),
  v.forward(
    v.check((i) => i.intent !== "pay" || i.provider !== undefined, "provider_invalid"),
    ["provider"],
  ),
);

function orderIdFrom(params: { id?: string }) {
  const id = params.id ?? "";
  if (!/^ord_[0-9a-z]{20}$/.test(id)) throw new Response("Not Found", { status: 404 });
  return id;
}

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const order = await getOrderForOwner(context, user.id, orderIdFrom(params));
  if (!order) throw new Response("Not Found", { status: 404 });
  const showCode = ["paid", "confirmed", "shipped", "ready_for_pickup"].includes(order.status);
  return {
    order,
    reviews: await getOrderReviewStates(context, user.id, order.id),
    qr: showCode ? qrSvg(`TG-PICKUP:${order.pickupCode}`) : null,
    providers: configuredProviders(context.env),
    locale: resolveLocale(request),
    now: Date.now(),
  };
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request);
  const orderId = orderIdFrom(params);
  const formData = await request.formData();
  if (formData.get("intent") === "after-sales") {
    const parsed = parseWithValibot(formData, { schema: AfterSalesInput });
    if (parsed.status !== "success") return data({ result: parsed.reply(), afterSales: true }, { status: 400 });
    const photos = formData.getAll("photos").filter((f): f is File => typeof f === "object" && f !== null && "arrayBuffer" in f);
    const requested = await requestAfterSales(context, { userId: user.id, orderId, reason: parsed.value.reason, note: parsed.value.note ?? "", photos });
    if (!requested.ok) {
      const status = requested.error.code === "order_not_found" ? 404 : requested.error.code.startsWith("photo") || requested.error.code === "too_many_photos" ? 400 : 409;
      return data({ result: parsed.reply({ fieldErrors: { [requested.error.field ?? ""]: [requested.error.code] } }), afterSales: true }, { status });
    }
    throw redirect(`/orders/${orderId}?after-sales=1`);
  }
  const submission = parseWithValibot(formData, { schema: OrderAction });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  if (submission.value.intent === "pay" && submission.value.provider) {
    const paying = await startPayment(context, { userId: user.id, orderId, provider: submission.value.provider, origin: context.request!.url.origin, clientIp: context.request!.ip });
    if (!paying.ok) return data({ result: submission.reply({ formErrors: [paying.error.code] }) }, { status: paying.error.code === "order_not_found" ? 404 : 409 });
    if (paying.value.next.kind === "redirect") throw redirect(paying.value.next.url);
    throw redirect(`/orders/${orderId}`);
  }
  const cancelled = await cancelOrder(context, { orderId, userId: user.id, actor: { type: "user", id: user.id }, reason: submission.value.reason || "shopper_cancelled" });
  if (!cancelled.ok) return data({ result: submission.reply({ formErrors: [cancelled.error.code] }) }, { status: cancelled.error.code === "order_not_found" ? 404 : 409 });
  if (cancelled.value.refundId) await processRefunds(context, [cancelled.value.refundId], context.request!.url.origin);
  throw redirect(`/orders/${orderId}?cancelled=1`);
}

export default function OrderPage() {
  const { t } = useTranslation();
  const { order, qr, providers, locale, now, reviews } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const busy = navigation.state === "submitting";
  return (
    <div className="space-y-3 p-4">
      <h1 className="text-2xl font-bold">{t(`orders.status.${order.status}`)}</h1>
      {params.get("payment") === "failed" ? <p className="rounded-xl bg-danger-50 p-3 text-sm text-danger" role="alert">{t("orders.paymentFailed")}</p> : null}
      {params.get("cancelled") ? (
        <p className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800" role="status">
          {order.paidFen > 0 ? t("orders.cancelledPaidNote") : t("orders.cancelledNote")}
        </p>
      ) : null}
      <FormErrors id="order-errors" errors={actionData?.result.error?.[""] ?? undefined} />

      {order.status === "pending_payment" && order.payBy > now ? (
        <section className="card space-y-3" aria-labelledby="pay-title">
          <h2 id="pay-title" className="font-semibold">
            {t("orders.payBefore", { time: formatDateTime(order.payBy, locale) })}
          </h2>
          <Form method="post" className="space-y-2">
            <input type="hidden" name="intent" value="pay" />
            {providers.map((p, i) => (
              <label key={p} className="flex min-h-11 items-center gap-3 rounded-xl border border-line px-3">
                <input type="radio" name="provider" value={p} defaultChecked={i === 0} className="size-5" />
                <span>{t(`checkout.provider.${p}`)}</span>
              </label>
            ))}
            <button type="submit" className="btn-primary min-h-12 w-full" disabled={busy}>
              {t("orders.payNow", { amount: formatFen(order.payableFen) })}
            </button>
          </Form>
        </section>
      ) : null}

      {order.flashSaleId ? (
        <section className="card space-y-2" aria-labelledby="flash-order-title" data-testid="order-flash">
          <h2 id="flash-order-title" className="font-semibold">
            {t("flashSales.order.title")}
          </h2>
          {order.status === "pending_payment" && order.payBy > now ? (
            // The reservation holds the units until payBy: a countdown once the page runs, the absolute time before.
            <p className="font-medium text-price">
              <Countdown
                to={order.payBy}
                serverNow={now}
                render={(left, over) =>
                  left === null ? t("flashSales.order.payBefore", { time: formatSaleTime(order.payBy, t) }) : over ? t("flashSales.order.expired") : t("flashSales.order.payWithin", { time: left })
                }
              />
            </p>
          ) : order.status === "pending_payment" ? (
            <p className="text-sm">{t("flashSales.order.expired")}</p>
          ) : null}
          <Link to={`/flash-sales/${order.flashSaleId}`} className="btn-secondary min-h-12 w-full">
            {t("flashSales.order.view")}
          </Link>
        </section>
      ) : null}

      {order.groupDealId ? (
        <section className="card space-y-2" aria-labelledby="group-order-title" data-testid="order-group">
          <h2 id="group-order-title" className="font-semibold">
            {t("groupDeals.order.title")}
          </h2>
          {order.status === "awaiting_group" ? <p className="text-sm">{t("groupDeals.order.awaiting")}</p> : null}
          <Link to={`/groups/${order.groupDealId}`} className="btn-secondary min-h-12 w-full">
            {t("groupDeals.order.view")}
          </Link>
        </section>
      ) : null}

      {qr ? (
        <section className="card flex flex-col items-center gap-2" aria-labelledby="code-title">
          <h2 id="code-title" className="font-semibold">
            {t("orders.pickupCode")}
          </h2>
          <div className="size-60" role="img" aria-label={t("orders.qrLabel", { code: order.pickupCode })} dangerouslySetInnerHTML={{ __html: qr }} />
          <p className="tabular text-3xl font-bold tracking-[0.3em]">{order.pickupCode}</p>
          <p className="text-center text-sm text-muted">{order.fulfilment === "door" ? t("orders.doorCodeHint") : t("orders.pickupHint")}</p>
        </section>
      ) : null}

      <section className="card space-y-1" aria-labelledby="fulfilment-title">
        <h2 id="fulfilment-title" className="text-sm text-muted">
          {t("orders.fulfilment")}
        </h2>
        <p className="font-semibold">{t(`orders.fulfilmentMethod.${order.fulfilment}`)}</p>
        {order.delivery ? (
          <div className="text-sm" aria-label={t("orders.deliveryAddress")} role="group">
            <p>
              {order.delivery.recipientName} <span className="tabular text-muted">{order.delivery.phoneMasked}</span>
            </p>
            <p>{order.delivery.address}</p>
          </div>
        ) : null}
      </section>

      <section className="card space-y-1" aria-labelledby="point-title">
        <h2 id="point-title" className="text-sm text-muted">
          {t("checkout.pickupPoint")}
        </h2>
        <p className="font-semibold">{order.pickupPoint.name}</p>
        <p className="text-sm">{order.pickupPoint.address}</p>
        <p className="tabular text-sm">{t("pickup.hours", { open: order.pickupPoint.hours.open, close: order.pickupPoint.hours.close })}</p>
        <a href={`tel:${order.pickupPoint.phone}`} className="btn-secondary mt-2 w-full">
          <Phone aria-hidden className="size-4" />
          {t("orders.callLeader", { name: order.pickupPoint.leaderName })}
        </a>
      </section>

      <section className="card" aria-labelledby="lines-title">
        <h2 id="lines-title" className="mb-2 font-semibold">
          {t("checkout.items")}
        </h2>
        <ul className="divide-y divide-line">
          {order.lines.map((l) => (
            <li key={l.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
              <Link to={`/products/${l.productId}`}>
                {l.title} · {l.spec} × {l.quantity}
              </Link>
              <span className="tabular">{formatFen(l.payableFen)}</span>
              {reviews[l.id]?.canReview || reviews[l.id]?.reviewId ? (
                <Link
                  to={`/orders/${order.id}/review/${l.id}`}
                  className={`${reviews[l.id]?.reviewId ? "btn-secondary" : "btn-primary"} min-h-11 w-full text-sm`}
                  aria-label={t(reviews[l.id]?.reviewId ? "reviews.order.seeLabel" : "reviews.order.writeLabel", { title: l.title })}
                >
                  {t(reviews[l.id]?.reviewId ? "reviews.order.see" : "reviews.order.write")}
                </Link>
              ) : null}
            </li>
          ))}
        </ul>
        <div className="mt-2 space-y-1 border-t border-line pt-2 text-sm">
          <p className="flex justify-between">
            <span>{t("checkout.goods")}</span>
            <span className="tabular">{formatFen(order.goodsFen)}</span>
          </p>
          {order.pricing.applied.map((a, i) => (
            <p key={i} className="flex justify-between text-price">
              <span>{t(`checkout.discount.${a.kind}`)}</span>
              <span className="tabular">−{formatFen(a.amountFen)}</span>
            </p>
          ))}
          <p className="flex justify-between font-semibold">
            <span>{t("checkout.payable")}</span>
            <span className="tabular text-price">{formatFen(order.payableFen)}</span>
          </p>
          {order.refundedFen > 0 ? (
            <p className="flex justify-between">
              <span>{t("orders.refunded")}</span>
              <span className="tabular">{formatFen(order.refundedFen)}</span>
            </p>
          ) : null}
        </div>
      </section>

      <section className="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title" className="mb-2 font-semibold">
          {t("orders.timeline")}
        </h2>
        <ol className="space-y-2 border-l-2 border-brand-100 pl-4">
          {order.events.map((e) => (
            <li key={e.id} className="text-sm">
              <p className="font-medium">{t(`orders.event.${e.event}`, { defaultValue: e.event })}</p>
              <time className="tabular text-xs text-muted" dateTime={new Date(e.at).toISOString()}>
                {formatDateTime(e.at, locale)}
              </time>
            </li>
          ))}
          {order.refunds.map((r) => (
            <li key={r.id} className="text-sm">
              <p className="font-medium">{t(`orders.refundStatus.${r.status}`, { amount: formatFen(r.amountFen) })}</p>
              <time className="tabular text-xs text-muted">{formatDateTime(r.at, locale)}</time>
            </li>
          ))}
        </ol>
        <p className="mt-2 text-xs text-muted">
          {t("orders.number")} <span className="tabular">{order.id}</span>
        </p>
      </section>

      {params.get("after-sales") ? <p className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800" role="status">{t("afterSales.submitted")}</p> : null}
      {canRequestRefund(order.status) && !CANCELLABLE.has(order.status) && order.paidFen > order.refundedFen && !order.refunds.some((r) => ["requested", "approved", "processing"].includes(r.status)) ? (
        <details className="card" open={actionData && "afterSales" in actionData ? true : undefined}>
          <summary className="min-h-11 cursor-pointer py-2 font-semibold">{t("afterSales.title")}</summary>
          <Form method="post" encType="multipart/form-data" className="mt-2 space-y-3">
            <input type="hidden" name="intent" value="after-sales" />
            <FormErrors id="after-sales-errors" errors={actionData && "afterSales" in actionData ? (Object.values(actionData.result.error ?? {}).flat() as string[]) : undefined} />
            <div>
              <label htmlFor="as-reason" className="field-label">
                {t("afterSales.reason")}
              </label>
              <select id="as-reason" name="reason" required className="field-input" defaultValue="">
                <option value="" disabled>
                  {t("afterSales.pickReason")}
                </option>
                {AFTER_SALES_REASONS.map((r) => (
                  <option key={r} value={r}>
                    {t(`afterSales.reasons.${r}`)}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="as-note" className="field-label">
                {t("afterSales.note")}
              </label>
              <textarea id="as-note" name="note" rows={3} maxLength={500} className="field-input py-2" />
            </div>
            <div>
              <label htmlFor="as-photos" className="field-label">
                {t("afterSales.photos", { count: MAX_PHOTOS })}
              </label>
              <input id="as-photos" name="photos" type="file" accept="image/jpeg,image/png,image/webp" multiple className="block w-full text-sm" />
            </div>
            <button type="submit" className="btn-primary w-full" disabled={busy}>
              {t("afterSales.submit", { amount: formatFen(order.paidFen - order.refundedFen) })}
            </button>
          </Form>
        </details>
      ) : null}
      {CANCELLABLE.has(order.status) ? (
        <Form method="post">
          <input type="hidden" name="intent" value="cancel" />
          <button type="submit" className="btn-secondary w-full" disabled={busy}>
            {order.status === "paid" ? t("orders.cancelAndRefund") : t("orders.cancel")}
          </button>
        </Form>
      ) : null}
    </div>
  );
}
