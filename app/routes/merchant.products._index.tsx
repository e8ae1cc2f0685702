import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import FileUp from "lucide-react/icons/file-up";
import Plus from "lucide-react/icons/plus";
import Search from "lucide-react/icons/search";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { StatusBadge, useCatalogErrorText } from "~/components/merchant/catalog-field";
import { translate } from "~/i18n/i18n";
import { resolveLocale } from "~/lib/preferences.server";
import { bulkRowsFromForm, fenToYuanInput, PRODUCT_FILTERS, validateBulkRows, type BulkRowError } from "~/modules/catalog/manage";
import { bulkUpdateSkus, listMerchantProducts } from "~/modules/catalog/manage.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "merchantCatalog.title")} · ${translate(locale, "app.name")}` }];
};

const ListQuery = v.object({
  status: v.optional(v.picklist(PRODUCT_FILTERS), "all"),
  q: v.optional(v.pipe(v.string(), v.maxLength(60)), ""),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const url = new URL(request.url);
  const query = v.safeParse(ListQuery, { status: url.searchParams.get("status") || undefined, q: url.searchParams.get("q") ?? undefined });
  if (!query.success) throw data({ error: "invalid_query" }, { status: 400 });
  const locale = resolveLocale(request);
  const rows = await listMerchantProducts(context, merchant.id, { ...query.output, locale });
  return { rows, status: query.output.status, q: query.output.q, locale };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const form = await request.formData();
  if (form.get("intent") !== "bulk") return data({ errors: [] as BulkRowError[], values: {}, changed: null, fieldErrors: { intent: ["intent_invalid"] } }, { status: 400 });
  const rows = bulkRowsFromForm(form);
  const values = Object.fromEntries(rows.flatMap((r) => [[`price.${r.skuId}`, r.priceYuan], [`stock.${r.skuId}`, r.stock]]));
  const checked = validateBulkRows(rows);
  if (!checked.ok) return data({ errors: checked.errors, values, changed: null }, { status: 400 });
  const result = await bulkUpdateSkus(context, merchant.id, user.id, checked.value);
  if (!result.ok) return data({ errors: result.errors, values, changed: null }, { status: 400 });
  return { errors: [] as BulkRowError[], values: {} as Record<string, string>, changed: result.changed };
}

export default function MerchantProducts() {
  const { t } = useTranslation();
  const errorText = useCatalogErrorText();
  const { rows, status, q } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors = new Map((actionData?.errors ?? []).map((e) => [`${e.field}.${e.skuId}`, e.code]));
  const values: Record<string, string> = actionData?.values ?? {};
  const withSkus = rows.filter((r) => r.skus.length > 0);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">{t("merchantCatalog.title")}</h1>
        <div className="flex flex-wrap gap-2">
          <Link to="/merchant/products/import" className="btn-secondary">
            <FileUp aria-hidden className="size-5" />
            {t("merchantCatalog.importLink")}
          </Link>
          <Link to="/merchant/products/new" className="btn-primary">
            <Plus aria-hidden className="size-5" />
            {t("merchantCatalog.new")}
          </Link>
        </div>
      </div>

      <Form method="get" className="card flex flex-wrap items-end gap-3" role="search">
        <div>
          <label htmlFor="filter-status" className="field-label">
            {t("merchantCatalog.filterStatus")}
          </label>
          <select id="filter-status" name="status" defaultValue={status} className="field-input">
            {PRODUCT_FILTERS.map((f) => (
              <option key={f} value={f}>
                {t(`merchantCatalog.filters.${f}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="min-w-48 flex-1">
          <label htmlFor="filter-q" className="field-label">
            {t("merchantCatalog.search")}
          </label>
          <input id="filter-q" name="q" type="search" defaultValue={q} maxLength={60} className="field-input" />
        </div>
        <button type="submit" className="btn-secondary">
          <Search aria-hidden className="size-5" />
          {t("merchantCatalog.searchButton")}
        </button>
      </Form>

      {actionData?.changed !== null && actionData?.changed !== undefined ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t("merchantCatalog.bulk.saved", { count: actionData.changed })}
        </p>
      ) : null}
      {actionData?.errors.length ? (
        <p role="alert" className="rounded-xl bg-danger-50 p-3 text-sm text-danger">
          {t("merchantCatalog.bulk.failed", { count: actionData.errors.length })}
        </p>
      ) : null}

      {rows.length === 0 ? (
        <p className="card text-muted">{status === "all" && !q ? t("merchantCatalog.empty") : t("merchantCatalog.noMatch")}</p>
      ) : (
        <Form method="post" className="card space-y-3">
          <input type="hidden" name="intent" value="bulk" />
          <div>
            <h2 className="text-lg font-semibold">{t("merchantCatalog.bulk.title")}</h2>
            <p className="text-sm text-muted">{t("merchantCatalog.bulk.hint")}</p>
          </div>
          <div className="overflow-x-auto">
            <table className="w-full min-w-[40rem] text-left text-sm">
              <thead className="sticky top-0 bg-white">
                <tr className="border-b border-line">
                  <th scope="col" className="py-2 pr-3">
                    {t("merchantCatalog.columns.product")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("merchantCatalog.columns.status")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("merchantCatalog.columns.spec")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("merchantCatalog.columns.price")}
                  </th>
                  <th scope="col" className="py-2">
                    {t("merchantCatalog.columns.stock")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((p) => {
                  const span = Math.max(1, p.skus.length);
                  const head = (
                    <>
                      <th scope="row" rowSpan={span} className="py-2 pr-3 align-top font-normal">
                        <Link to={`/merchant/products/${p.id}`} className="link font-medium">
                          {p.title}
                        </Link>
                        {p.status === "rejected" && p.rejectReason ? <p className="mt-1 text-xs text-danger">{p.rejectReason}</p> : null}
                      </th>
                      <td rowSpan={span} className="py-2 pr-3 align-top">
                        <StatusBadge status={p.status} />
                      </td>
                    </>
                  );
                  if (p.skus.length === 0) {
                    return (
                      <tr key={p.id} className="border-b border-line">
                        {head}
                        <td colSpan={3} className="py-2 text-muted">
                          {t("merchantCatalog.noSkus")}
                        </td>
                      </tr>
                    );
                  }
                  return p.skus.map((s, i) => {
                    const priceName = `price.${s.id}`;
                    const stockName = `stock.${s.id}`;
                    const priceError = errors.get(priceName);
                    const stockError = errors.get(stockName);
                    return (
                      <tr key={s.id} className={i === p.skus.length - 1 ? "border-b border-line" : ""}>
                        {i === 0 ? head : null}
                        <td className={`py-2 pr-3 ${s.active ? "" : "text-muted line-through"}`}>{s.spec}</td>
                        <td className="py-2 pr-3 align-top">
                          <input
                            name={priceName}
                            defaultValue={values[priceName] ?? fenToYuanInput(s.priceFen)}
                            inputMode="decimal"
                            autoComplete="off"
                            aria-label={t("merchantCatalog.bulk.priceFor", { product: p.title, spec: s.spec })}
                            aria-invalid={priceError ? true : undefined}
                            aria-describedby={priceError ? `${priceName}-error` : undefined}
                            className="field-input tabular w-28"
                          />
                          {priceError ? (
                            <p id={`${priceName}-error`} className="field-error">
                              {errorText(priceError)}
                            </p>
                          ) : null}
                        </td>
                        <td className="py-2 align-top">
                          <input
                            name={stockName}
                            defaultValue={values[stockName] ?? String(s.stock)}
                            inputMode="numeric"
                            autoComplete="off"
                            aria-label={t("merchantCatalog.bulk.stockFor", { product: p.title, spec: s.spec })}
                            aria-invalid={stockError ? true : undefined}
                            aria-describedby={stockError ? `${stockName}-error` : undefined}
                            className="field-input tabular w-24"
                          />
                          {stockError ? (
                            <p id={`${stockName}-error`} className="field-error">
                              {errorText(stockError)}
                            </p>
                          ) : null}
                        </td>
                      </tr>
                    );
                  });
                })}
              </tbody>
            </table>
          </div>
          {withSkus.length ? (
            <button type="submit" className="btn-primary" disabled={navigation.state === "submitting"}>
              {t("merchantCatalog.bulk.save")}
            </button>
          ) : null}
        </Form>
      )}
    </div>
  );
}
