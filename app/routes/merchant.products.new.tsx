import { parseWithValibot } from "~/lib/form-submission";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { ProductForm } from "~/components/merchant/product-form";
import { translate } from "~/i18n/i18n";
import { resolveLocale } from "~/lib/preferences.server";
import { ProductInput } from "~/modules/catalog/manage";
import { createProduct, listAllowedCategories } from "~/modules/catalog/manage.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "merchantCatalog.form.newTitle")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  return { categories: await listAllowedCategories(context, merchant.id), locale: resolveLocale(request) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const submission = parseWithValibot(await request.formData(), { schema: ProductInput });
  // "Add/remove a variant" without JavaScript: the server answers with the changed list.
  if (submission.status === undefined) return { result: submission.reply() };
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const created = await createProduct(context, merchant.id, user.id, submission.value);
  if (!created.ok) {
    return data({ result: submission.reply({ fieldErrors: { [created.error.field ?? ""]: [created.error.code] } }) }, { status: 400 });
  }
  return redirect(`/merchant/products/${created.value.id}?done=created`);
}

export default function NewProduct() {
  const { t } = useTranslation();
  const { categories, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="max-w-5xl space-y-4">
      <Link to="/merchant/products" className="link text-sm">
        {t("merchantCatalog.form.back")}
      </Link>
      <h1 className="text-2xl font-bold">{t("merchantCatalog.form.newTitle")}</h1>
      <ProductForm
        id="product-new"
        locale={locale}
        categories={categories}
        lastResult={actionData?.result}
        submitLabel={t("merchantCatalog.form.saveDraft")}
        defaults={{ titleZh: "", titleEn: "", descriptionZh: "", descriptionEn: "", categoryId: "", unit: "件", skus: [{ specZh: "", specEn: "", priceYuan: "", stock: "", active: "on" }] }}
      />
    </div>
  );
}
