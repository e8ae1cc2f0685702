import { parseWithValibot } from "~/lib/form-submission";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { requireUser } from "~/auth/guards.server";
import { FieldErrors, FormErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { formatDate, formatFen } from "~/lib/format";
import { randomBase32 } from "~/lib/ids";
import { readAttributionCookie } from "~/lib/attribution-cookie.server";
import { sharerForOrder } from "~/modules/share/attribution.server";
import { resolveLocale } from "~/lib/preferences.server";
import { listAddresses } from "~/modules/account/addresses.server";
import { quoteCheckout, placeOrder } from "~/modules/orders/checkout.server";
import { AddressId, checkoutDefaults, FulfilmentChoice } from "~/modules/orders/fulfilment";
import { configuredProviders } from "~/modules/payments/providers";
import { startPayment } from "~/modules/payments/payments.server";
import { getChosenPickupPointId, getPickupPointSummary } from "~/modules/pickup/choose.server";
import { isFeatureOn } from "~/modules/settings/settings.server";
import { captureEvent } from "~/modules/analytics/capture.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "checkout.title")} · ${translate(locale, "app.name")}` }];
};

const CouponChoice = v.optional(v.pipe(v.string(), v.regex(/^(none|ucp_[0-9a-z]{20})$/, "coupon_invalid")));
/** Points: spend what the cart allows ("max") or none. */
const PointsChoiceField = v.optional(v.picklist(["max", "none"], "points_invalid"));

export const PlaceOrderForm = v.pipe(
  v.object({
    coupon: CouponChoice,
    points: PointsChoiceField,
    provider: v.picklist(["sandbox", "wechat", "alipay"], "provider_invalid"),
    expectedPayableFen: v.pipe(v.string("price_changed"), v.regex(/^\d{1,9}$/, "price_changed"), v.transform(Number)),
    note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200, "text_too_long"))),
    idempotencyKey: v.pipe(v.string(), v.regex(/^[0-9a-z]{20,64}$/, "invalid")),
    fulfilment: FulfilmentChoice,
    addressId: v.optional(AddressId),
  }),
  v.forward(
    v.check((i) => i.fulfilment !== "door" || i.addressId !== undefined, "delivery_address_required"),
    ["addressId"],
  ),
);

/** The form that places the order; the delivery choice near the top belongs to it by `form=`. */
const PLACE_FORM_ID = "checkout-place";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const url = new URL(request.url);
  const coupon = v.safeParse(CouponChoice, url.searchParams.get("coupon") ?? undefined);
  const points = v.safeParse(PointsChoiceField, url.searchParams.get("points") ?? undefined);
  const locale = resolveLocale(request);
  const [quote, pointId, addresses, doorFeature] = await Promise.all([
    quoteCheckout(context, user.id, { couponChoice: coupon.success ? coupon.output : undefined, pointsChoice: points.success ? (points.output ?? "none") : "none", locale }),
    getChosenPickupPointId(context, user.id),
    listAddresses(context, user.id),
    isFeatureOn(context, "feature.door_delivery"),
  ]);
  if (quote.lines.length === 0) throw redirect("/cart");
  await captureEvent(context, request, { kind: "checkout_start", path: "/checkout" });
  const pickupPoint = pointId ? await getPickupPointSummary(context, pointId) : null;
  // The platform's door-delivery switch (admin settings) overrides what the point offers.
  const doorOffered = doorFeature && (pickupPoint?.doorDelivery ?? false);
  return {
    quote,
    pickupPoint,
    doorFeature,
    doorOffered,
    // What the checkout needs to show each address (the owner's own, phone masked).
    addresses: addresses.map((a) => ({ id: a.id, recipientName: a.recipientName, phoneMasked: a.phoneMasked, region: a.region, detail: a.detail, isDefault: a.isDefault })),
    fulfilment: checkoutDefaults({ method: url.searchParams.get("fulfilment"), addressId: url.searchParams.get("addressId"), pointOffersDoorDelivery: doorOffered, addresses }),
    providers: configuredProviders(context.env),
    idempotencyKey: randomBase32(24),
    locale,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request);
  const submission = parseWithValibot(await request.formData(), { schema: PlaceOrderForm });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const input = submission.value;
  if (!configuredProviders(context.env).includes(input.provider)) {
    return data({ result: submission.reply({ fieldErrors: { provider: ["provider_invalid"] } }) }, { status: 400 });
  }
  const placed = await placeOrder(context, user.id, {
    couponChoice: input.coupon ?? "none",
    pointsChoice: input.points ?? "none",
    expectedPayableFen: input.expectedPayableFen,
    note: input.note || undefined,
    idempotencyKey: input.idempotencyKey,
    locale: resolveLocale(request),
    fulfilment: input.fulfilment,
    addressId: input.fulfilment === "door" ? input.addressId : undefined,
    referralPointId: readAttributionCookie(request),
    sharerUserId: await sharerForOrder(context, request, user.id),
  });
  if (!placed.ok) {
    const { code, field } = placed.error;
    if (field === "fulfilment" || field === "addressId") {
      return data({ result: submission.reply({ fieldErrors: { [field]: [code] } }) }, { status: 400 });
    }
    const status = placed.error.code === "insufficient_stock" || placed.error.code === "price_changed" || placed.error.code === "coupon_invalid" || placed.error.code === "points_insufficient" ? 409 : 400;
    return data({ result: submission.reply({ formErrors: [placed.error.code] }) }, { status });
  }
  const paying = await startPayment(context, {
    userId: user.id,
    orderId: placed.value.orderId,
    provider: input.provider,
    origin: context.request!.url.origin,
    clientIp: context.request!.ip,
  });
  if (paying.ok && paying.value.next.kind === "redirect") throw redirect(paying.value.next.url);
  // QR / in-app payment and failures continue on the order page, which can start paying again.
  throw redirect(`/orders/${placed.value.orderId}${paying.ok ? "" : "?payment=failed"}`);
}

export default function Checkout() {
  const { t } = useTranslation();
  const { quote, pickupPoint, addresses, fulfilment, providers, idempotencyKey, doorFeature, doorOffered } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const { breakdown } = quote;
  const totals = breakdown.totals;
  const blocked = !pickupPoint || quote.problems.length > 0;
  const errors = actionData?.result.error;
  // After a refused submission the page shows what was submitted, not the defaults again.
  const submitted = (actionData?.result.initialValue ?? {}) as { fulfilment?: unknown; addressId?: unknown };
  const chosenMethod = submitted.fulfilment === "door" && doorOffered ? "door" : submitted.fulfilment === "pickup" ? "pickup" : fulfilment.method;
  const chosenAddressId = addresses.some((a) => a.id === submitted.addressId) ? (submitted.addressId as string) : fulfilment.addressId;
  return (
    <div className="space-y-3 p-4 pb-24">
      <h1 className="text-2xl font-bold">{t("checkout.title")}</h1>
      <section className="card" aria-labelledby="co-point">
        <h2 id="co-point" className="text-sm text-muted">
          {t("checkout.pickupPoint")}
        </h2>
        {pickupPoint ? (
          <p className="flex items-center justify-between">
            <span className="font-semibold">{pickupPoint.name}</span>
            <Link to="/pickup?returnTo=%2Fcheckout" className="link text-sm">
              {t("checkout.change")}
            </Link>
          </p>
        ) : (
          <Link to="/pickup?returnTo=%2Fcheckout" className="btn-primary mt-2 w-full">
            {t("pickup.chooseFirst")}
          </Link>
        )}
        <p className="text-sm text-brand-800">{t("product.pickupTomorrow")}</p>
      </section>
      {pickupPoint ? (
        <fieldset className="card space-y-2" aria-describedby={[errors?.fulfilment ? "co-fulfilment-errors" : "", errors?.addressId ? "co-address-errors" : ""].filter(Boolean).join(" ") || undefined}>
          <legend className="float-left mb-2 w-full font-semibold">{t("checkout.fulfilment.title")}</legend>
          <label className="flex min-h-11 items-start gap-3 rounded-xl border border-line p-3">
            <input type="radio" form={PLACE_FORM_ID} name="fulfilment" value="pickup" defaultChecked={chosenMethod === "pickup"} className="mt-0.5 size-5 shrink-0" />
            <span>
              <span className="block font-medium">{t("checkout.fulfilment.pickup")}</span>
              <span className="block text-sm text-muted">{t("checkout.fulfilment.pickupHint", { point: pickupPoint.name })}</span>
            </span>
          </label>
          {doorFeature ? (
            <label className={`flex min-h-11 items-start gap-3 rounded-xl border border-line p-3 ${doorOffered ? "" : "bg-surface"}`}>
              <input
                type="radio"
                form={PLACE_FORM_ID}
                name="fulfilment"
                value="door"
                defaultChecked={chosenMethod === "door"}
                disabled={!doorOffered}
                aria-describedby="co-door-hint"
                className="mt-0.5 size-5 shrink-0"
              />
              <span>
                <span className="block font-medium">
                  {t("checkout.fulfilment.door")}
                  <span className="ml-2 rounded-full bg-brand-50 px-2 text-xs text-brand-800">{t("checkout.fulfilment.free")}</span>
                </span>
                <span id="co-door-hint" className="block text-sm text-muted">
                  {doorOffered ? t("checkout.fulfilment.doorHint") : t("checkout.fulfilment.unavailable")}
                </span>
              </span>
            </label>
          ) : null}
          <FieldErrors id="co-fulfilment-errors" errors={errors?.fulfilment ?? undefined} />
          {doorOffered ? (
            addresses.length ? (
              <fieldset className="space-y-2 pl-8">
                <legend className="mb-1 text-sm text-muted">{t("checkout.fulfilment.deliverTo")}</legend>
                {addresses.map((a) => (
                  <label key={a.id} className="flex min-h-11 items-start gap-3 rounded-xl border border-line p-3 text-sm">
                    <input type="radio" form={PLACE_FORM_ID} name="addressId" value={a.id} defaultChecked={chosenAddressId === a.id} className="mt-0.5 size-5 shrink-0" />
                    <span>
                      <span className="block font-medium">
                        {a.recipientName} <span className="tabular font-normal text-muted">{a.phoneMasked}</span>
                      </span>
                      <span className="block">
                        {a.region} {a.detail}
                      </span>
                    </span>
                  </label>
                ))}
                <Link to="/me/addresses?returnTo=%2Fcheckout%3Ffulfilment%3Ddoor" className="link text-sm">
                  {t("checkout.fulfilment.manageAddresses")}
                </Link>
              </fieldset>
            ) : (
              <div className="space-y-2 pl-8 text-sm">
                <p className="text-muted">{t("checkout.fulfilment.noAddress")}</p>
                <Link to="/me/addresses?returnTo=%2Fcheckout%3Ffulfilment%3Ddoor" className="btn-secondary min-h-11 w-full">
                  {t("checkout.fulfilment.addAddress")}
                </Link>
              </div>
            )
          ) : null}
          <FieldErrors id="co-address-errors" errors={errors?.addressId ?? undefined} />
        </fieldset>
      ) : null}
      <section className="card" aria-labelledby="co-lines">
        <h2 id="co-lines" className="mb-2 font-semibold">
          {t("checkout.items")}
        </h2>
        <ul className="divide-y divide-line">
          {quote.lines.map((l) => {
            const priced = breakdown.lines.find((p) => p.lineId === l.skuId);
            const problem = quote.problems.find((p) => p.skuId === l.skuId);
            return (
              <li key={l.skuId} className="flex justify-between gap-2 py-2 text-sm">
                <span>
                  {l.title} · {l.spec} × {l.quantity}
                  {problem ? <span className="block text-danger">{t("cart.notEnoughStock", { count: problem.stock })}</span> : null}
                </span>
                <span className="tabular">{formatFen(priced?.subtotalFen ?? l.unitPriceFen * l.quantity)}</span>
              </li>
            );
          })}
        </ul>
      </section>
      <Form method="get" className="card space-y-2" aria-labelledby="co-coupons" onChange={(e) => submit(e.currentTarget, { replace: true, preventScrollReset: true })}>
        <h2 id="co-coupons" className="font-semibold">
          {t("checkout.coupons")}
        </h2>
        {quote.coupons.length === 0 ? <p className="text-sm text-muted">{t("checkout.noCoupons")}</p> : null}
        <fieldset className="space-y-2">
          <legend className="sr-only">{t("checkout.coupons")}</legend>
          {quote.coupons.map((c) => (
            <label key={c.userCouponId} className={`flex min-h-11 items-center gap-3 rounded-xl border px-3 ${c.result.status === "applied" ? "border-line" : "border-line opacity-60"}`}>
              <input type="radio" name="coupon" value={c.userCouponId} defaultChecked={quote.selectedCouponId === c.userCouponId} disabled={c.result.status !== "applied"} className="size-5" />
              <span className="flex-1">
                <span className="block font-medium">{c.name}</span>
                <span className="text-xs text-muted">
                  {c.result.status === "applied"
                    ? t("checkout.couponSaves", { amount: formatFen(c.savesFen) })
                    : c.result.status === "not_applied"
                      ? t(`checkout.couponReason.${c.result.reason}`, { amount: formatFen(c.result.shortfallFen ?? 0) })
                      : ""}
                  {" · "}
                  {t("checkout.validUntil", { date: formatDate(c.validUntil, "zh-CN") })}
                </span>
              </span>
            </label>
          ))}
          {quote.coupons.length ? (
            <label className="flex min-h-11 items-center gap-3 rounded-xl border border-line px-3">
              <input type="radio" name="coupon" value="none" defaultChecked={quote.selectedCouponId === null} className="size-5" />
              <span>{t("checkout.noCoupon")}</span>
            </label>
          ) : null}
        </fieldset>
        {quote.coupons.length ? (
          <button type="submit" className="btn-secondary w-full">
            {t("checkout.applyCoupon")}
          </button>
        ) : null}
        {quote.membership ? (
          <fieldset className="space-y-2 border-t border-line pt-3">
            <legend className="float-left mb-1 w-full font-semibold">{t("checkout.points.title")}</legend>
            {quote.membership.pointsUsableFen > 0 ? (
              <>
                <label className="flex min-h-11 items-center gap-3 rounded-xl border border-line px-3">
                  <input type="checkbox" name="points" value="max" defaultChecked={totals.pointsFen > 0} className="size-5" />
                  <span className="flex-1">{t("checkout.points.use", { points: quote.membership.pointsUsableFen, amount: formatFen(quote.membership.pointsUsableFen) })}</span>
                </label>
                <p className="text-xs text-muted">{t("checkout.points.balance", { balance: quote.membership.pointsBalance, percent: `${quote.membership.pointsMaxRedeemBp / 100}%` })}</p>
                <noscript>
                  <button type="submit" className="btn-secondary w-full">
                    {t("checkout.points.apply")}
                  </button>
                </noscript>
              </>
            ) : (
              <p className="text-sm text-muted">{t("checkout.points.none", { balance: quote.membership.pointsBalance })}</p>
            )}
          </fieldset>
        ) : null}
      </Form>
      <section className="card space-y-1 text-sm" aria-labelledby="co-breakdown">
        <h2 id="co-breakdown" className="mb-1 font-semibold">
          {t("checkout.breakdown")}
        </h2>
        <p className="flex justify-between">
          <span>{t("checkout.goods")}</span>
          <span className="tabular">{formatFen(totals.goodsFen)}</span>
        </p>
        {breakdown.applied.map((a, i) => (
          <p key={i} className="flex justify-between text-price">
            <span>
              {t(`checkout.discount.${a.kind}`)}
              {"name" in a && a.name ? ` · ${a.name}` : ""}
              {a.kind === "full_reduction" ? ` · ${t("checkout.tier", { threshold: formatFen(a.tier.thresholdFen), reduction: formatFen(a.tier.reductionFen) })}` : ""}
            </span>
            <span className="tabular">−{formatFen(a.amountFen)}</span>
          </p>
        ))}
        <p className="flex justify-between border-t border-line pt-2 text-base font-semibold">
          <span>{t("checkout.payable")}</span>
          <span className="tabular text-price">{formatFen(totals.payableFen)}</span>
        </p>
        {quote.membership ? (
          <p className="text-xs text-muted" data-testid="points-estimate">
            {t("checkout.member", { level: t(`me.level.${quote.membership.level}`), points: quote.membership.pointsEarnedEstimate })}
            {quote.membership.pointsMultiplierPct !== 100 ? t("checkout.memberMultiplier", { multiplier: quote.membership.pointsMultiplierPct / 100 }) : ""}
          </p>
        ) : null}
      </section>
      <Form method="post" id={PLACE_FORM_ID} className="card space-y-3" aria-labelledby="co-pay">
        <h2 id="co-pay" className="font-semibold">
          {t("checkout.payWith")}
        </h2>
        <FormErrors id="checkout-errors" errors={actionData?.result.error?.[""] ?? undefined} />
        <input type="hidden" name="coupon" value={quote.selectedCouponId ?? "none"} />
        <input type="hidden" name="points" value={totals.pointsFen > 0 ? "max" : "none"} />
        <input type="hidden" name="expectedPayableFen" value={totals.payableFen} />
        <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
        <fieldset className="space-y-2">
          <legend className="sr-only">{t("checkout.payWith")}</legend>
          {providers.map((p, i) => (
            <label key={p} className="flex min-h-11 items-center gap-3 rounded-xl border border-line px-3">
              <input type="radio" name="provider" value={p} defaultChecked={i === 0} className="size-5" />
              <span>{t(`checkout.provider.${p}`)}</span>
            </label>
          ))}
        </fieldset>
        <div>
          <label htmlFor="co-note" className="field-label">
            {t("checkout.note")}
          </label>
          <input id="co-note" name="note" maxLength={200} className="field-input" placeholder={t("checkout.notePlaceholder")} />
        </div>
        {/* Sits just above the bottom tab bar (3.5rem), so neither covers the other. */}
        <div className="fixed inset-x-0 bottom-[calc(3.5rem+env(safe-area-inset-bottom))] z-40 border-t border-line bg-white p-3">
          <div className="mx-auto flex max-w-[28rem] items-center justify-between gap-3">
            <span>
              {t("checkout.payable")} <strong className="tabular text-xl text-price">{formatFen(totals.payableFen)}</strong>
            </span>
            <button type="submit" className="btn-primary min-h-12 px-6" disabled={blocked || navigation.state === "submitting"}>
              {t("checkout.placeAndPay")}
            </button>
          </div>
        </div>
      </Form>
    </div>
  );
}
