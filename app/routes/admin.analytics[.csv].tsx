import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import * as v from "valibot";
import { requirePermission } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { resolveLocale } from "~/lib/preferences.server";
import { breakdownCsv, csvFilename, customersCsv, flashSalesCsv, funnelCsv, groupDealsCsv, salesCsv } from "~/modules/analytics/csv";
import type { BreakdownDimension } from "~/modules/analytics/dashboard";
import { loadBreakdown, loadFlashSaleSeries, loadGroupDealSeries, loadSeries } from "~/modules/analytics/dashboard.server";
import { businessDateOf } from "~/modules/analytics/dates";
import { CsvSearch, flatErrors, parseDashboardRange, type CsvTable } from "~/modules/analytics/schemas";

/**
 * GET /admin/analytics.csv?table=…&from&to&g (or range=N): one of the dashboard's tables as CSV
 * (`table` defaults to sales over time)
 * (UTF-8 with a BOM for Excel; money in yuan with two decimals; Asia/Shanghai dates), in the
 * viewer's language. Breakdowns come whole, not just the top rows the page shows. Bad input is a
 * 400 with the field errors as JSON.
 */
const DIMENSION_OF: Partial<Record<CsvTable, BreakdownDimension>> = { products: "product", categories: "category", points: "point", merchants: "merchant" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context, request, "read:analytics:any");
  const params = new URL(request.url).searchParams;
  // Without `table`, the first table of the dashboard: sales over time.
  const table = v.safeParse(CsvSearch.entries.table, params.get("table") ?? "sales");
  const range = parseDashboardRange(params, businessDateOf(Date.now()));
  if (!table.success || !range.ok) {
    const errors = { ...(table.success ? {} : { table: flatErrors(table.issues)[""] ?? ["table_invalid"] }), ...(range.ok ? {} : range.errors) };
    return Response.json({ error: { code: "validation_failed", message: "The table or range is not valid.", fields: errors } }, { status: 400, headers: { "Cache-Control": "private, no-store" } });
  }
  const locale = resolveLocale(request);
  const header = (key: string) => translate(locale, `adminAnalytics.csvHeader.${key}`);
  const dimension = DIMENSION_OF[table.output];
  let csv: string;
  if (dimension) {
    csv = breakdownCsv(await loadBreakdown(context, dimension, range.value, locale), header);
  } else if (table.output === "group_deals") {
    csv = groupDealsCsv(await loadGroupDealSeries(context, range.value), (key) => translate(locale, `groupDealsConsole.analytics.csvHeader.${key}`));
  } else if (table.output === "flash_sales") {
    csv = flashSalesCsv(await loadFlashSaleSeries(context, range.value), (key) => translate(locale, `flashSalesConsole.analytics.csvHeader.${key}`));
  } else {
    const dashboard = await loadSeries(context, range.value);
    if (table.output === "sales") csv = salesCsv(dashboard.sales, header);
    else if (table.output === "customers") csv = customersCsv(dashboard.customers, header);
    else csv = funnelCsv(dashboard.funnel, header, (s) => translate(locale, `adminAnalytics.funnel.steps.${s}`));
  }
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${csvFilename(table.output, range.value)}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
