import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { requireUser } from "~/auth/guards.server";
import { isDevelopment } from "~/env.server";
import { formatFen } from "~/lib/format";
import { findPaymentWithOwner, handlePaymentNotification } from "~/modules/payments/payments.server";
import { signSandboxNotification } from "~/modules/payments/providers";
import { randomBase32 } from "~/lib/ids";
import type { AppContext } from "~/context.server";

export const meta: MetaFunction = () => [{ title: "Sandbox pay · 沙箱支付" }];

async function loadOwnPayment(context: AppContext, request: Request, paymentId: string) {
  if (!isDevelopment(context.env) || !context.env.SANDBOX_PAY_SECRET) throw new Response("Not Found", { status: 404 });
  const user = await requireUser(context, request);
  if (!/^pay_[0-9a-z]{20}$/.test(paymentId)) throw new Response("Not Found", { status: 404 });
  const row = await findPaymentWithOwner(context, paymentId);
  if (!row || row.userId !== user.id || row.payment.provider !== "sandbox") throw new Response("Not Found", { status: 404 });
  return row.payment;
}

/**
 * The sandbox provider's "cashier": it shows the amount and, on confirm, produces the callback
 * exactly as a provider would (HMAC-signed body and headers) and hands it to the same
 * notification handler the public notify endpoint uses.
 */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const payment = await loadOwnPayment(context, request, params.paymentId ?? "");
  return { payment: { id: payment.id, orderId: payment.orderId, amountFen: payment.amountFen, status: payment.status } };
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const payment = await loadOwnPayment(context, request, params.paymentId ?? "");
  const form = await request.formData();
  const outcome = v.safeParse(v.picklist(["succeeded", "failed"]), form.get("outcome"));
  if (!outcome.success) return data({ error: "outcome_invalid" }, { status: 400 });
  const now = Date.now();
  const signed = await signSandboxNotification(
    context.env.SANDBOX_PAY_SECRET,
    { paymentId: payment.id, providerTradeNo: `SBX${randomBase32(16).toUpperCase()}`, status: outcome.output, amountFen: payment.amountFen, paidAt: now },
    now,
  );
  await handlePaymentNotification(context, "sandbox", { headers: new Headers(signed.headers), body: signed.body }, now);
  throw redirect(`/orders/${payment.orderId}${outcome.output === "failed" ? "?payment=failed" : ""}`);
}

export default function SandboxCashier() {
  const { t } = useTranslation();
  const { payment } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-4 p-6">
      <p className="rounded-xl bg-price-50 p-3 text-sm text-price">{t("sandbox.warning")}</p>
      <h1 className="text-2xl font-bold">{t("sandbox.title")}</h1>
      <p className="tabular text-4xl font-bold text-price">{formatFen(payment.amountFen)}</p>
      <p className="text-sm text-muted">
        {t("orders.number")} <span className="tabular">{payment.orderId}</span>
      </p>
      {payment.status === "created" ? (
        <Form method="post" className="space-y-3">
          <button type="submit" name="outcome" value="succeeded" className="btn-primary min-h-12 w-full">
            {t("sandbox.pay")}
          </button>
          <button type="submit" name="outcome" value="failed" className="btn-secondary w-full">
            {t("sandbox.fail")}
          </button>
        </Form>
      ) : (
        <p>{t("sandbox.done")}</p>
      )}
    </main>
  );
}
