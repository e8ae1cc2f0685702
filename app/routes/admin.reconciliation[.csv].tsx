import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { requirePermission } from "~/auth/guards.server";
import { registerAdminMessages } from "~/i18n/admin-messages";
import { translate } from "~/i18n/i18n";
import { resolveLocale } from "~/lib/preferences.server";
import { toCsv } from "~/modules/fulfilment/csv";
import { fenToDecimal } from "~/modules/merchant-orders/finance";
import { RUN_ID } from "~/modules/settlement/admin-forms";
import { getRun, listDifferences } from "~/modules/settlement/reconcile.server";

/** GET /admin/reconciliation.csv?run=<id>: one run's differences as CSV with a BOM, in the viewer's language, amounts in yuan. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context, request, "read:finance:any");
  registerAdminMessages();
  const runId = new URL(request.url).searchParams.get("run");
  if (!runId || !RUN_ID.test(runId)) {
    return Response.json({ error: { code: "invalid_query", message: "Give the run as ?run=rcn_…", fields: { run: [runId ? "run_invalid" : "run_required"] } } }, { status: 400, headers: { "Cache-Control": "private, no-store" } });
  }
  const run = await getRun(context, runId);
  if (!run) return Response.json({ error: { code: "not_found", message: "No such reconciliation run." } }, { status: 404, headers: { "Cache-Control": "private, no-store" } });
  const locale = resolveLocale(request);
  const k = (key: string) => translate(locale, `adminFinance.reconciliation.${key}`);
  const amount = (fen: number | null) => (fen === null ? "" : fenToDecimal(fen));
  const differences = await listDifferences(context, run.id);
  const csv = toCsv([
    ["kind", "kindCode", "entityType", "entityId", "expected", "actual", "detail"].map((c) => k(`csv.${c}`)),
    ...differences.map((d) => [
      translate(locale, `adminFinance.reconciliation.kind.${d.kind}`, { defaultValue: d.kind }),
      d.kind,
      translate(locale, `adminFinance.reconciliation.entityType.${d.entityType}`, { defaultValue: d.entityType }),
      d.entityId,
      amount(d.expectedFen),
      amount(d.actualFen),
      d.detail ?? "",
    ]),
  ]);
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="reconciliation-${run.business_date}-${run.id}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
