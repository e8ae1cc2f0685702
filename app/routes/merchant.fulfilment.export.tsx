import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import * as v from "valibot";
import { requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { resolveLocale } from "~/lib/preferences.server";
import { getMerchantDay } from "~/modules/fulfilment/batches.server";
import { toCsv } from "~/modules/fulfilment/csv";
import { DateQuery } from "~/modules/fulfilment/schemas";

const ExportQuery = v.object({ date: DateQuery, sheet: v.picklist(["procurement", "picking", "delivery"], "sheet_invalid") });

/** CSV exports of the procurement list, the picking sheet and the delivery sheet (resource route). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const url = new URL(request.url);
  const parsed = v.safeParse(ExportQuery, { date: url.searchParams.get("date") ?? "", sheet: url.searchParams.get("sheet") ?? "" });
  // A resource route answers plainly (a thrown response here would be logged as a server error).
  if (!parsed.success) return new Response("Bad Request: date=YYYY-MM-DD and sheet=procurement|picking|delivery", { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const { date, sheet } = parsed.output;
  const locale = resolveLocale(request);
  const h = (key: string) => translate(locale, `fulfilment.sheet.${key}`);
  const day = await getMerchantDay(context, merchant.id, date, { withAddresses: sheet === "delivery" });
  let rows: Array<Array<string | number>>;
  if (sheet === "procurement") {
    rows = [[h("skuId"), h("product"), h("spec"), h("quantity")], ...day.procurement.map((p) => [p.skuId, p.title, p.spec, p.quantity])];
  } else if (sheet === "picking") {
    rows = [[h("point"), h("area"), h("orders"), h("skuId"), h("product"), h("spec"), h("quantity")]];
    for (const b of day.batches) for (const i of b.items) rows.push([b.pointName, b.area, b.orders, i.skuId, i.title, i.spec, i.expectedQty]);
  } else {
    rows = [[h("point"), h("leader"), h("area"), h("address"), h("orders"), h("product"), h("spec"), h("quantity")]];
    for (const b of day.batches) for (const i of b.items) rows.push([b.pointName, b.leaderName, b.area, b.address ?? "", b.orders, i.title, i.spec, i.expectedQty]);
  }
  return new Response(toCsv(rows), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${sheet}-${date}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
