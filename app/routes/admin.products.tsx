import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { requirePermission } from "~/auth/guards.server";
import { CatalogErrors } from "~/components/merchant/catalog-field";
import { translate } from "~/i18n/i18n";
import { formatDateTime, formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { imageSrcSet } from "~/modules/catalog/images";
import { RejectInput } from "~/modules/catalog/manage";
import { listReviewQueue, reviewProduct } from "~/modules/catalog/manage.server";
import { noticeProductReviewed } from "~/modules/notifications/triggers.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "adminProducts.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context, request, "review:product:any");
  return { queue: await listReviewQueue(context), locale: resolveLocale(request) };
}

const ApproveInput = v.object({ productId: v.pipe(v.string(), v.regex(/^prd_[0-9a-z]{20}$/, "invalid")) });

type Answer = { done: "approved" | "rejected" | null; productId: string | null; errors: Record<string, string[]> };

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(context, request, "review:product:any");
  const form = Object.fromEntries(await request.formData());
  const approve = form.intent === "approve";
  if (!approve && form.intent !== "reject") return data<Answer>({ done: null, productId: null, errors: { form: ["invalid"] } }, { status: 400 });
  const parsed = approve ? v.safeParse(ApproveInput, form) : v.safeParse(RejectInput, form);
  const productId = typeof form.productId === "string" ? form.productId : null;
  if (!parsed.success) {
    const flat = v.flatten(parsed.issues);
    return data<Answer>({ done: null, productId, errors: Object.fromEntries(Object.entries(flat.nested ?? {}).map(([k, msgs]) => [k, msgs ?? []])) }, { status: 400 });
  }
  const out = parsed.output as { productId: string; reason?: string };
  const reviewed = await reviewProduct(context, admin.id, out.productId, approve ? { approve: true } : { approve: false, reason: out.reason! });
  if (!reviewed.ok) {
    return data<Answer>({ done: null, productId, errors: { form: [reviewed.error.code] } }, { status: reviewed.error.code === "not_found" ? 404 : 409 });
  }
  await noticeProductReviewed(context, out.productId, approve ? { approve: true } : { approve: false, reason: out.reason! });
  return data<Answer>({ done: approve ? "approved" : "rejected", productId, errors: {} });
}

export default function AdminProducts() {
  const { t } = useTranslation();
  const { queue, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const en = locale === "en";
  return (
    <div className="max-w-5xl space-y-4">
      <h1 className="text-2xl font-bold">{t("adminProducts.title")}</h1>
      {actionData?.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t(`adminProducts.${actionData.done}`)}
        </p>
      ) : null}
      {actionData?.errors.form ? <CatalogErrors errors={actionData.errors.form} /> : null}
      <p className="text-muted">{queue.length ? t("adminProducts.queue", { count: queue.length }) : t("adminProducts.empty")}</p>
      <ol className="space-y-4">
        {queue.map((p) => {
          const title = en ? p.titleEn : p.titleZh;
          const mine = actionData?.productId === p.id;
          const reasonErrors = mine ? actionData?.errors.reason : undefined;
          return (
            <li key={p.id}>
              <article className="card space-y-3" aria-labelledby={`review-${p.id}`}>
                <h2 id={`review-${p.id}`} className="text-lg font-semibold">
                  {p.titleZh} <span className="font-normal text-muted">/ {p.titleEn}</span>
                </h2>
                <dl className="grid grid-cols-[7rem_1fr] gap-x-4 gap-y-1 text-sm">
                  <dt className="text-muted">{t("adminProducts.merchant")}</dt>
                  <dd>{p.merchantName}</dd>
                  <dt className="text-muted">{t("adminProducts.category")}</dt>
                  <dd>{en ? p.categoryNameEn : p.categoryNameZh}</dd>
                  <dt className="text-muted">{t("adminProducts.unit")}</dt>
                  <dd>{p.unit}</dd>
                  <dt className="text-muted">{t("adminProducts.submittedAt")}</dt>
                  <dd className="tabular">{p.submittedAt ? formatDateTime(p.submittedAt, locale) : "—"}</dd>
                  <dt className="text-muted">{t("adminProducts.description")}</dt>
                  <dd className="whitespace-pre-line">
                    {p.descriptionZh || "—"}
                    {p.descriptionEn ? <span className="mt-1 block text-muted">{p.descriptionEn}</span> : null}
                  </dd>
                </dl>
                <div>
                  <h3 className="mb-1 text-sm font-semibold">{t("adminProducts.images")}</h3>
                  {p.images.length === 0 ? (
                    <p className="text-sm text-muted">{t("adminProducts.noImages")}</p>
                  ) : (
                    <ul className="flex flex-wrap gap-2">
                      {p.images.map((img, i) => (
                        <li key={img.id}>
                          <img
                            src={img.url}
                            srcSet={imageSrcSet(img.url, img.widths, img.width)}
                            sizes="128px"
                            alt={`${title} ${i + 1}`}
                            width={img.width ?? 128}
                            height={img.height ?? 128}
                            loading="lazy"
                            className="size-32 rounded-xl bg-surface object-cover"
                          />
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
                <table className="w-full text-left text-sm">
                  <caption className="mb-1 text-left font-semibold">{t("adminProducts.skus")}</caption>
                  <thead>
                    <tr className="border-b border-line">
                      <th scope="col" className="py-1 pr-3">
                        {t("adminProducts.spec")}
                      </th>
                      <th scope="col" className="py-1 pr-3">
                        {t("adminProducts.price")}
                      </th>
                      <th scope="col" className="py-1">
                        {t("adminProducts.stock")}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.skus.map((s) => (
                      <tr key={s.id} className="border-b border-line last:border-0">
                        <td className="py-1 pr-3">
                          {s.specZh} / {s.specEn}
                          {s.status === "inactive" ? t("adminProducts.inactive") : ""}
                        </td>
                        <td className="tabular py-1 pr-3">{formatFen(s.priceFen)}</td>
                        <td className="tabular py-1">{s.stock}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <div className="flex flex-wrap items-start gap-4 border-t border-line pt-3">
                  <Form method="post">
                    <input type="hidden" name="productId" value={p.id} />
                    <button type="submit" name="intent" value="approve" className="btn-primary" disabled={navigation.state === "submitting"}>
                      {t("adminProducts.approve")}
                    </button>
                  </Form>
                  <Form method="post" className="flex min-w-64 flex-1 flex-wrap items-end gap-2">
                    <input type="hidden" name="productId" value={p.id} />
                    <div className="min-w-56 flex-1">
                      <label htmlFor={`reason-${p.id}`} className="field-label">
                        {t("adminProducts.reason")}
                      </label>
                      <input
                        id={`reason-${p.id}`}
                        name="reason"
                        maxLength={200}
                        className="field-input"
                        aria-invalid={reasonErrors?.length ? true : undefined}
                        aria-describedby={`reason-${p.id}-hint${reasonErrors?.length ? ` reason-${p.id}-error` : ""}`}
                      />
                      <p id={`reason-${p.id}-hint`} className="mt-1 text-sm text-muted">
                        {t("adminProducts.reasonHint")}
                      </p>
                      <CatalogErrors id={`reason-${p.id}-error`} errors={reasonErrors} />
                    </div>
                    <button type="submit" name="intent" value="reject" className="btn-danger" disabled={navigation.state === "submitting"}>
                      {t("adminProducts.reject")}
                    </button>
                  </Form>
                </div>
              </article>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
