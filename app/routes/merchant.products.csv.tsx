import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import * as v from "valibot";
import { requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { resolveLocale } from "~/lib/preferences.server";
import { IMPORT_COLUMNS, toCsv } from "~/modules/catalog/manage-csv";

/**
 * CSV downloads of the import page (a resource route, so the browser gets the file itself):
 * GET → the template; POST → the error report the import page shows, as CSV.
 */
const TEMPLATE = toCsv([[...IMPORT_COLUMNS], ["红富士苹果", "Fuji apples", "fresh", "袋", "约 2.5kg", "about 2.5 kg", "29.90", "100", "脆甜多汁", "Crisp and juicy"]]);

function csvFile(body: string, filename: string) {
  // A BOM, so spreadsheet apps read the file as UTF-8.
  return new Response(`\uFEFF${body}`, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${filename}"`, "Cache-Control": "private, no-store" },
  });
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  await requireOwnMerchant(context, user);
  return csvFile(TEMPLATE, "products-template.csv");
}

const ReportErrors = v.pipe(
  v.array(v.object({ row: v.pipe(v.number(), v.integer()), column: v.pipe(v.string(), v.maxLength(40)), code: v.pipe(v.string(), v.regex(/^[a-z_]{1,40}$/)) })),
  v.maxLength(1000),
);

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  await requireOwnMerchant(context, user);
  const form = await request.formData();
  // The import page posts its error list back as JSON; anything else is refused, naming the field.
  const refused = () =>
    Response.json({ error: { code: "validation_failed", message: "The error list is not valid.", fields: { errors: ["errors_invalid"] } } }, { status: 400 });
  let raw: unknown;
  try {
    raw = JSON.parse(String(form.get("errors") ?? ""));
  } catch {
    return refused();
  }
  const parsed = v.safeParse(ReportErrors, raw);
  if (!parsed.success) return refused();
  const locale = resolveLocale(request);
  const tr = (k: string) => translate(locale, k);
  const rows = [
    [tr("merchantCatalog.import.row"), tr("merchantCatalog.import.column"), tr("merchantCatalog.import.message")],
    ...parsed.output.map((e) => [e.row, e.column, tr(`merchantCatalog.errors.${e.code}`)]),
  ];
  return csvFile(toCsv(rows), "import-errors.csv");
}
