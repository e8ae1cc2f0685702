import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { registerConsoleMessages } from "~/i18n/console-messages";
import { translate } from "~/i18n/i18n";
import { financeCsv } from "~/modules/merchant-orders/finance";
import { businessDate } from "~/modules/merchant-orders/dates";
import { parseFinancePeriod } from "~/modules/merchant-orders/finance-period";
import { getMerchantFinance } from "~/modules/merchant-orders/merchant-orders.server";

/** GET /merchant/finance.csv?from&to: the finance view as CSV (UTF-8 with BOM), in the viewer's language. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  registerConsoleMessages();
  const period = parseFinancePeriod(new URL(request.url).searchParams);
  const finance = await getMerchantFinance(context, merchant.id, period);
  const locale = user.locale ?? "zh-CN";
  const k = (key: string) => translate(locale, `merchantOrders.finance.${key}`);
  const csv = financeCsv(finance, {
    header: ["order", "date", "status", "sale", "refunded", "fee", "commission", "subsidy", "net", "bucket"].map((c) => k(`col.${c}`)),
    total: k("total"),
    bucket: (b) => k(`bucket.${b}`),
    status: (s) => translate(locale, `merchantOrders.status.${s}`),
    date: (ms) => businessDate(ms),
  });
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="finance-${period.from}-${period.to}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
