import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { useCatalogErrorText } from "~/components/merchant/catalog-field";
import { translate } from "~/i18n/i18n";
import { resolveLocale } from "~/lib/preferences.server";
import { CsvSyntaxError, IMPORT_COLUMNS, IMPORT_MAX_BYTES, parseCsv, validateImport, type ImportError } from "~/modules/catalog/manage-csv";
import { allowedCategorySlugs, importProducts } from "~/modules/catalog/manage.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "merchantCatalog.import.title")} · ${translate(locale, "app.name")}` }];
};

const REQUIRED = new Set(["title_zh", "title_en", "category_slug", "unit", "spec_zh", "spec_en", "price_yuan", "stock"]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  await requireOwnMerchant(context, user);
  return { locale: resolveLocale(request) };
}

type ImportAnswer = { errors: ImportError[]; imported: number | null };
const refuse = (code: string, status: number) => data<ImportAnswer>({ errors: [{ row: 0, column: "", code }], imported: null }, { status });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  // Refuse an oversized body before reading it (the form fields add a little to the file).
  if (Number(request.headers.get("Content-Length") ?? "0") > IMPORT_MAX_BYTES + 16 * 1024) return refuse("file_too_large", 413);
  const form = await request.formData();

  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) return refuse("file_required", 400);
  if (file.size > IMPORT_MAX_BYTES) return refuse("file_too_large", 413);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());
  } catch {
    return refuse("not_utf8", 400);
  }
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) return data<ImportAnswer>({ errors: [{ row: error.line, column: "", code: error.code }], imported: null }, { status: 400 });
    throw error;
  }
  const checked = validateImport(rows, await allowedCategorySlugs(context, merchant.id));
  if (!checked.ok) return data<ImportAnswer>({ errors: checked.errors, imported: null }, { status: 400 });
  const { ids } = await importProducts(context, merchant.id, user.id, checked.products);
  return data<ImportAnswer>({ errors: [], imported: ids.length });
}

export default function ImportProducts() {
  const { t } = useTranslation();
  const errorText = useCatalogErrorText();
  const actionData = useActionData<typeof action>() as ImportAnswer | undefined;
  const navigation = useNavigation();
  const errors = actionData?.errors ?? [];
  return (
    <div className="max-w-4xl space-y-4">
      <Link to="/merchant/products" className="link text-sm">
        {t("merchantCatalog.form.back")}
      </Link>
      <h1 className="text-2xl font-bold">{t("merchantCatalog.import.title")}</h1>
      <section className="card space-y-3">
        <p>{t("merchantCatalog.import.intro")}</p>
        <p className="text-sm">
          {t("merchantCatalog.import.columns")}{" "}
          {IMPORT_COLUMNS.map((c, i) => (
            <span key={c}>
              <code className="rounded bg-surface px-1">{c}</code>
              {REQUIRED.has(c) ? <span className="text-muted">*</span> : null}
              {i < IMPORT_COLUMNS.length - 1 ? ", " : ""}
            </span>
          ))}{" "}
          <span className="text-muted">(* {t("merchantCatalog.import.required")})</span>
        </p>
        <a href="/merchant/products/csv" className="link inline-flex min-h-11 items-center" download>
          {t("merchantCatalog.import.template")}
        </a>
        <Form method="post" encType="multipart/form-data" className="flex flex-wrap items-end gap-3">
          <div>
            <label htmlFor="import-file" className="field-label">
              {t("merchantCatalog.import.file")}
            </label>
            <input id="import-file" name="file" type="file" accept=".csv,text/csv" required className="field-input py-2" />
          </div>
          <button type="submit" className="btn-primary" disabled={navigation.state === "submitting"}>
            {t("merchantCatalog.import.submit")}
          </button>
        </Form>
      </section>

      {actionData?.imported ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t("merchantCatalog.import.done", { count: actionData.imported })}{" "}
          <Link to="/merchant/products?status=draft" className="link">
            {t("merchantCatalog.filters.draft")}
          </Link>
        </p>
      ) : null}

      {errors.length ? (
        <section className="card space-y-3" aria-labelledby="import-errors">
          <h2 id="import-errors" role="alert" className="font-semibold text-danger">
            {errors.length === 1 && errors[0]!.row === 0 ? errorText(errors[0]!.code) : t("merchantCatalog.import.errorsTitle", { count: errors.length })}
          </h2>
          {errors.some((e) => e.row > 0) ? (
            <>
              <div className="max-h-[32rem] overflow-auto">
                <table className="w-full text-left text-sm">
                  <thead className="sticky top-0 bg-white">
                    <tr className="border-b border-line">
                      <th scope="col" className="py-2 pr-3">
                        {t("merchantCatalog.import.row")}
                      </th>
                      <th scope="col" className="py-2 pr-3">
                        {t("merchantCatalog.import.column")}
                      </th>
                      <th scope="col" className="py-2">
                        {t("merchantCatalog.import.message")}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {errors.slice(0, 500).map((e) => (
                      <tr key={`${e.row}-${e.column}-${e.code}`} className="border-b border-line last:border-0">
                        <td className="tabular py-2 pr-3">{e.row}</td>
                        <td className="py-2 pr-3">
                          <code>{e.column}</code>
                        </td>
                        <td className="py-2">{errorText(e.code)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {/* A native post, so the browser downloads the answer (no client-side navigation). */}
              <Form method="post" action="/merchant/products/csv" reloadDocument>
                <input type="hidden" name="intent" value="report" />
                <input type="hidden" name="errors" value={JSON.stringify(errors.slice(0, 1000))} />
                <button type="submit" className="btn-secondary">
                  {t("merchantCatalog.import.download")}
                </button>
              </Form>
            </>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
