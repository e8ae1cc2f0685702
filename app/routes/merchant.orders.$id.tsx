import { getFormProps, useForm } from "@conform-to/react";
import { parseWithValibot } from "~/lib/form-submission";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { formatDateTime, formatFen } from "~/lib/format";
import { decideAfterSales } from "~/modules/merchant-orders/after-sales.server";
import { getMerchantOrder } from "~/modules/merchant-orders/merchant-orders.server";
import { DecideAfterSalesInput, REJECT_REASON_MAX } from "~/modules/merchant-orders/schemas";

export const meta: MetaFunction = ({ matches, params }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "merchantOrders.detailTitle", { id: params.id })} · ${translate(locale, "app.name")}` }];
};

const notFound = () => new Response("Not Found", { status: 404, statusText: "Not Found" });

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const order = await getMerchantOrder(context, merchant.id, params.id ?? "");
  // Another merchant's order (no lines of this merchant) is as good as absent.
  if (!order) throw notFound();
  return { order };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const orderId = params.id ?? "";
  if (!(await getMerchantOrder(context, merchant.id, orderId))) throw notFound();
  const formData = await request.formData();
  const form = formData.get("intent") === "reject" ? "reject" : "approve";
  const submission = parseWithValibot(formData, { schema: DecideAfterSalesInput });
  if (submission.status !== "success") return data({ form, result: submission.reply() }, { status: 400 });
  const input = submission.value;
  const result = await decideAfterSales(context, {
    merchantId: merchant.id,
    userId: user.id,
    orderId,
    refundId: input.refundId,
    decision: input.intent === "approve" ? { kind: "approve", lines: input.lines } : { kind: "reject", reason: input.reason },
    origin: new URL(request.url).origin,
  });
  if (!result.ok) {
    const code = result.error.code;
    if (code === "refund_not_found") throw notFound();
    const status = code === "already_decided" || code === "state_conflict" ? 409 : 400;
    const reply = input.intent === "approve" && result.error.field === "lines" ? submission.reply({ fieldErrors: { lines: [code] } }) : submission.reply({ formErrors: [code] });
    return data({ form, result: reply }, { status });
  }
  throw redirect(`/merchant/orders/${orderId}?decided=${result.value.status}&amount=${result.value.amountFen}`);
}

function useErrorText() {
  const { t } = useTranslation();
  return (code: string) => t(`merchantOrders.errors.${code}`, { defaultValue: t("validation.invalid") });
}

function Errors({ id, errors }: { id: string; errors?: string[] }) {
  const text = useErrorText();
  if (!errors?.length) return null;
  return (
    <div id={id} role="alert" className="field-error">
      {errors.map((e) => (
        <p key={e}>{text(e)}</p>
      ))}
    </div>
  );
}

export default function MerchantOrderDetail() {
  const { t, i18n } = useTranslation();
  const { order } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const busy = navigation.state === "submitting";
  const decided = params.get("decided");
  const decidedAmount = Number(params.get("amount"));
  const as = order.afterSales;

  const [approveForm, approveFields] = useForm({
    id: "approve-refund",
    lastResult: actionData?.form === "approve" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: DecideAfterSalesInput }),
    shouldValidate: "onSubmit",
  });
  const [rejectForm, rejectFields] = useForm({
    id: "reject-refund",
    lastResult: actionData?.form === "reject" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: DecideAfterSalesInput }),
    shouldValidate: "onBlur",
  });
  const rejectReason = rejectFields as unknown as { reason: { id: string; errorId: string; errors?: string[] } };

  return (
    <div className="max-w-5xl space-y-4">
      <Link to="/merchant/orders" className="inline-flex min-h-11 items-center text-sm text-brand-800 underline">
        ← {t("merchantOrders.back")}
      </Link>
      <h1 className="text-2xl font-bold">
        {t("merchantOrders.detailTitle", { id: "" })}
        <span className="font-mono text-xl">{order.id}</span>
      </h1>

      {decided === "approved" && Number.isSafeInteger(decidedAmount) ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">{t("merchantOrders.afterSales.approved", { amount: formatFen(decidedAmount) })}</p>
      ) : decided === "rejected" ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">{t("merchantOrders.afterSales.rejected")}</p>
      ) : null}

      <section className="card">
        <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="text-muted">{t("merchantOrders.col.status")}</dt>
          <dd className="font-semibold" data-testid="order-status">{t(`merchantOrders.status.${order.status}`)}</dd>
          <dt className="text-muted">{t("merchantOrders.detail.placed")}</dt>
          <dd className="tabular">{formatDateTime(order.createdAt, i18n.language)}</dd>
          {order.paidAt ? (
            <>
              <dt className="text-muted">{t("merchantOrders.detail.paid")}</dt>
              <dd className="tabular">{formatDateTime(order.paidAt, i18n.language)}</dd>
            </>
          ) : null}
          <dt className="text-muted">{t("merchantOrders.detail.pickupPoint")}</dt>
          <dd>
            {order.pickupPoint.name} <span className="text-muted">{order.pickupPoint.area}</span>
          </dd>
          <dt className="text-muted">{t("merchantOrders.detail.fulfilment")}</dt>
          <dd>{order.fulfilment === "door" ? t("merchantOrders.detail.fulfilmentDoor") : t("merchantOrders.detail.fulfilmentPickup")}</dd>
        </dl>
      </section>

      <section className="card overflow-x-auto" aria-labelledby="lines-title">
        <h2 id="lines-title" className="mb-1 font-semibold">{t("merchantOrders.detail.lines")}</h2>
        <p className="mb-2 text-sm text-muted">{t("merchantOrders.detail.otherMerchants")}</p>
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b border-line">
              <th scope="col" className="py-2">{t("merchantOrders.detail.product")}</th>
              <th scope="col" className="py-2 text-right">{t("merchantOrders.detail.qty")}</th>
              <th scope="col" className="py-2 text-right">{t("merchantOrders.detail.unitPrice")}</th>
              <th scope="col" className="py-2 text-right">{t("merchantOrders.detail.payable")}</th>
              <th scope="col" className="py-2 text-right">{t("merchantOrders.detail.refunded")}</th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((l) => (
              <tr key={l.id} className="border-b border-line last:border-0">
                <td className="py-2">
                  {l.title} <span className="text-muted">{l.spec}</span>
                </td>
                <td className="tabular py-2 text-right">{l.quantity}</td>
                <td className="tabular py-2 text-right">{formatFen(l.unitPriceFen)}</td>
                <td className="tabular py-2 text-right">{formatFen(l.payableFen)}</td>
                <td className="tabular py-2 text-right">{l.refundedQty > 0 ? `${l.refundedQty} · ${formatFen(l.refundedFen)}` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {as ? (
        <section className="card space-y-4 border-2 border-price" aria-labelledby="as-title">
          <h2 id="as-title" className="text-lg font-semibold">{t("merchantOrders.afterSales.title")}</h2>
          <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-2 text-sm">
            <dt className="text-muted">{t("merchantOrders.afterSales.reason")}</dt>
            <dd>{t(`afterSales.reasons.${as.reason}`, { defaultValue: as.reason })}</dd>
            {as.note ? (
              <>
                <dt className="text-muted">{t("merchantOrders.afterSales.note")}</dt>
                <dd>{as.note}</dd>
              </>
            ) : null}
            <dt className="text-muted">{t("merchantOrders.afterSales.requestedAt")}</dt>
            <dd className="tabular">{formatDateTime(as.requestedAt, i18n.language)}</dd>
          </dl>
          <p className="text-sm">{t("merchantOrders.afterSales.asks", { amount: formatFen(as.requestedFen) })}</p>
          {as.othersPending > 0 ? <p className="text-sm text-muted">{t("merchantOrders.afterSales.othersPending")}</p> : null}
          {!as.canDecide ? (
            <p className="text-sm text-muted">{t("merchantOrders.afterSales.decidedByYou")}</p>
          ) : (
            <div className="grid gap-4 lg:grid-cols-2">
              <Form method="post" {...getFormProps(approveForm)} className="space-y-3 rounded-xl border border-line p-3">
                <h3 className="font-semibold">{t("merchantOrders.afterSales.approveTitle")}</h3>
                <p className="text-sm text-muted">{t("merchantOrders.afterSales.approveHint")}</p>
                <Errors id={approveForm.errorId} errors={approveForm.errors} />
                <input type="hidden" name="intent" value="approve" />
                <input type="hidden" name="refundId" value={as.refundId} />
                {as.lines.map((l, i) => (
                  <div key={l.id}>
                    <input type="hidden" name={`lines[${i}].lineId`} value={l.id} />
                    <label htmlFor={`qty-${l.id}`} className="field-label">{t("merchantOrders.afterSales.refundQty", { title: l.title, spec: l.spec })}</label>
                    <input
                      id={`qty-${l.id}`}
                      name={`lines[${i}].quantity`}
                      type="number"
                      inputMode="numeric"
                      min={0}
                      max={l.remainingQty}
                      step={1}
                      defaultValue={l.remainingQty}
                      className="field-input tabular"
                      aria-describedby={`qty-${l.id}-hint ${approveFields.lines.errorId}`}
                    />
                    <p id={`qty-${l.id}-hint`} className="mt-1 text-sm text-muted">
                      {t("merchantOrders.afterSales.remaining", { count: l.remainingQty, amount: formatFen(l.remainingFen) })}
                    </p>
                  </div>
                ))}
                <Errors id={approveFields.lines.errorId} errors={approveFields.lines.errors} />
                <button type="submit" className="btn-primary" disabled={busy}>
                  {t("merchantOrders.afterSales.approve")}
                </button>
              </Form>
              <Form method="post" {...getFormProps(rejectForm)} className="space-y-3 rounded-xl border border-line p-3">
                <h3 className="font-semibold">{t("merchantOrders.afterSales.rejectTitle")}</h3>
                <Errors id={rejectForm.errorId} errors={rejectForm.errors} />
                <input type="hidden" name="intent" value="reject" />
                <input type="hidden" name="refundId" value={as.refundId} />
                <div>
                  <label htmlFor="reject-reason" className="field-label">{t("merchantOrders.afterSales.rejectReason")}</label>
                  <textarea
                    id="reject-reason"
                    name="reason"
                    rows={3}
                    required
                    minLength={2}
                    maxLength={REJECT_REASON_MAX}
                    className="field-input py-2"
                    aria-invalid={rejectReason.reason?.errors?.length ? true : undefined}
                    aria-describedby={rejectReason.reason?.errors?.length ? "reject-reason-error" : undefined}
                  />
                  <Errors id="reject-reason-error" errors={rejectReason.reason?.errors} />
                </div>
                <button type="submit" className="btn-danger" disabled={busy}>
                  {t("merchantOrders.afterSales.reject")}
                </button>
              </Form>
            </div>
          )}
        </section>
      ) : null}

      <div className="grid gap-4 lg:grid-cols-2">
        <section className="card" aria-labelledby="timeline-title">
          <h2 id="timeline-title" className="mb-2 font-semibold">{t("merchantOrders.detail.timeline")}</h2>
          <ol className="space-y-2 text-sm" data-testid="timeline">
            {order.events.map((e) => (
              <li key={e.id} className="border-l-2 border-brand-600 pl-3">
                <span className="font-semibold">{t(`merchantOrders.event.${e.event}`, { defaultValue: e.event })}</span>
                <span className="block text-muted">
                  <span className="tabular">{formatDateTime(e.at, i18n.language)}</span> · {t(`merchantOrders.actor.${e.actorType}`)}
                </span>
              </li>
            ))}
          </ol>
        </section>
        <section className="card space-y-3" aria-labelledby="refunds-title">
          <h2 id="refunds-title" className="font-semibold">{t("merchantOrders.detail.refunds")}</h2>
          {order.refunds.filter((r) => r.status !== "requested").length === 0 ? (
            <p className="text-sm text-muted">{t("merchantOrders.detail.noRefunds")}</p>
          ) : (
            <ul className="space-y-2 text-sm" data-testid="refunds">
              {order.refunds
                .filter((r) => r.status !== "requested")
                .map((r) => (
                  <li key={r.id} className="flex flex-wrap justify-between gap-2 border-b border-line pb-2 last:border-0">
                    <span>
                      {t(`merchantOrders.refundKind.${r.kind}`)} · {t(`merchantOrders.refundStatus.${r.status}`)}
                    </span>
                    <span className="tabular font-semibold">{r.amountFen !== null ? formatFen(r.amountFen) : ""}</span>
                  </li>
                ))}
            </ul>
          )}
          <h3 className="pt-2 font-semibold">{t("merchantOrders.detail.finance")}</h3>
          <dl className="grid grid-cols-[1fr_auto] gap-x-4 gap-y-1 text-sm">
            <dt>{t("merchantOrders.finance.sale")}</dt>
            <dd className="tabular text-right">{formatFen(order.finance.saleFen)}</dd>
            <dt>{t("merchantOrders.finance.refunded")}</dt>
            <dd className="tabular text-right">−{formatFen(order.finance.refundedFen)}</dd>
            <dt>
              {t("merchantOrders.finance.platformFee")} ({t("merchantOrders.finance.rate", { rate: order.finance.platformFeeBp / 100 })})
            </dt>
            <dd className="tabular text-right">−{formatFen(order.finance.platformFeeFen)}</dd>
            {order.finance.subsidyFen ? (
              <>
                <dt>{t("merchantOrders.finance.subsidy")}</dt>
                <dd className="tabular text-right">+{formatFen(order.finance.subsidyFen)}</dd>
              </>
            ) : null}
            <dt className="font-semibold">{t("merchantOrders.finance.net")}</dt>
            <dd className="tabular text-right font-semibold">{formatFen(order.finance.netFen)}</dd>
          </dl>
        </section>
      </div>
    </div>
  );
}
