import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithValibot } from "@conform-to/valibot";
import { Form, useNavigation } from "@remix-run/react";
import Plus from "lucide-react/icons/plus";
import Trash2 from "lucide-react/icons/trash";
import { useTranslation } from "react-i18next";
import { MAX_SKUS, ProductInput } from "~/modules/catalog/manage";
import { CatalogErrors, CatalogField, CatalogTextarea } from "./catalog-field";

export interface ProductFormDefaults {
  titleZh: string;
  titleEn: string;
  descriptionZh: string;
  descriptionEn: string;
  categoryId: string;
  unit: string;
  skus: Array<{ id?: string; specZh: string; specEn: string; priceYuan: string; stock: string; active?: "on" }>;
}

/**
 * The product form (new and edit). SKU rows are a conform list: "add" and "remove" are submit
 * buttons, so they work before JavaScript loads (the server answers with the changed list) and
 * instantly after. Prices are typed in yuan and converted to fen exactly on the server.
 */
export function ProductForm({
  id,
  defaults,
  categories,
  lastResult,
  submitLabel,
  locale,
}: {
  id: string;
  defaults: ProductFormDefaults;
  categories: Array<{ id: string; nameZh: string; nameEn: string }>;
  lastResult?: SubmissionResult<string[]> | null;
  submitLabel: string;
  locale: string;
}) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id,
    lastResult,
    defaultValue: defaults,
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: ProductInput }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const skus = fields.skus.getFieldList();
  const errorCount = Object.values(form.allErrors).length;
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-4">
      {/* Enter in a field saves (the first submit button is the default one, not "remove"). */}
      <button type="submit" name="intent" value="save" tabIndex={-1} aria-hidden className="sr-only" />
      {errorCount > 0 && lastResult?.status === "error" ? (
        <p role="alert" className="rounded-xl bg-danger-50 p-3 text-sm text-danger">
          {t("merchantCatalog.form.summary", { count: errorCount })}
        </p>
      ) : null}
      <CatalogErrors id={form.errorId} errors={form.errors} />
      <section className="card space-y-4" aria-labelledby={`${id}-basics`}>
        <h2 id={`${id}-basics`} className="text-lg font-semibold">
          {t("merchantCatalog.form.basics")}
        </h2>
        <div className="grid gap-4 lg:grid-cols-2">
          <CatalogField meta={fields.titleZh} label={t("merchantCatalog.form.titleZh")} maxLength={60} />
          <CatalogField meta={fields.titleEn} label={t("merchantCatalog.form.titleEn")} maxLength={120} />
          <div>
            <label htmlFor={fields.categoryId.id} className="field-label">
              {t("merchantCatalog.form.category")}
            </label>
            <select {...getSelectProps(fields.categoryId, { ariaAttributes: true })} key={fields.categoryId.key} className="field-input">
              <option value="">{t("merchantCatalog.form.chooseCategory")}</option>
              {categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {locale === "en" ? c.nameEn : c.nameZh}
                </option>
              ))}
            </select>
            <CatalogErrors id={fields.categoryId.errorId} errors={fields.categoryId.errors} />
          </div>
          <CatalogField meta={fields.unit} label={t("merchantCatalog.form.unit")} hint={t("merchantCatalog.form.unitHint")} maxLength={8} />
        </div>
        <CatalogTextarea meta={fields.descriptionZh} label={t("merchantCatalog.form.descriptionZh")} />
        <CatalogTextarea meta={fields.descriptionEn} label={t("merchantCatalog.form.descriptionEn")} />
      </section>

      <fieldset className="card space-y-3">
        <legend className="float-left mb-1 text-lg font-semibold">{t("merchantCatalog.form.skus")}</legend>
        <p className="clear-left text-sm text-muted">{t("merchantCatalog.form.skusHint")}</p>
        <CatalogErrors id={fields.skus.errorId} errors={fields.skus.errors} />
        <ol className="space-y-3">
          {skus.map((sku, index) => {
            const s = sku.getFieldset();
            return (
              <li key={sku.key} className="rounded-xl border border-line p-3">
                <div className="mb-2 flex items-center justify-between">
                  <h3 className="font-medium">{t("merchantCatalog.form.sku", { n: index + 1 })}</h3>
                  {skus.length > 1 ? (
                    <button
                      {...form.remove.getButtonProps({ name: fields.skus.name, index })}
                      className="inline-flex min-h-11 min-w-11 items-center justify-center gap-1 rounded-full px-3 text-sm text-danger hover:bg-danger-50"
                      aria-label={t("merchantCatalog.form.removeSku", { n: index + 1 })}
                    >
                      <Trash2 aria-hidden className="size-5" />
                    </button>
                  ) : null}
                </div>
                {s.id.initialValue ? <input {...getInputProps(s.id, { type: "hidden" })} key={s.id.key} /> : null}
                <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[2fr_2fr_1fr_1fr_auto]">
                  <CatalogField meta={s.specZh} label={t("merchantCatalog.form.specZh")} maxLength={40} />
                  <CatalogField meta={s.specEn} label={t("merchantCatalog.form.specEn")} maxLength={60} />
                  <CatalogField meta={s.priceYuan} label={t("merchantCatalog.form.priceYuan")} inputMode="decimal" autoComplete="off" className="tabular" />
                  <CatalogField meta={s.stock} label={t("merchantCatalog.form.stock")} inputMode="numeric" autoComplete="off" />
                  <div className="flex items-end">
                    <label className="flex min-h-11 items-center gap-2 text-sm">
                      <input {...getInputProps(s.active, { type: "checkbox", value: "on" })} key={s.active.key} className="size-5" />
                      {t("merchantCatalog.form.active")}
                    </label>
                  </div>
                </div>
              </li>
            );
          })}
        </ol>
        {skus.length < MAX_SKUS ? (
          <button {...form.insert.getButtonProps({ name: fields.skus.name, defaultValue: { active: "on" } })} className="btn-secondary">
            <Plus aria-hidden className="size-5" />
            {t("merchantCatalog.form.addSku")}
          </button>
        ) : null}
      </fieldset>

      <p className="text-sm text-muted">{t("merchantCatalog.form.reviewNote")}</p>
      <button type="submit" name="intent" value="save" className="btn-primary" disabled={navigation.state === "submitting"}>
        {submitLabel}
      </button>
    </Form>
  );
}
