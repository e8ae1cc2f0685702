import { parseWithValibot } from "~/lib/form-submission";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import ArrowDown from "lucide-react/icons/arrow-down";
import ArrowUp from "lucide-react/icons/arrow-up";
import Trash2 from "lucide-react/icons/trash";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { CatalogErrors, StatusBadge } from "~/components/merchant/catalog-field";
import { ImageUploadForm } from "~/components/merchant/image-upload";
import { ProductForm } from "~/components/merchant/product-form";
import { translate } from "~/i18n/i18n";
import { formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { imageSrcSet, MAX_IMAGE_BYTES, VARIANT_WIDTHS } from "~/modules/catalog/images";
import { changeProductImage, uploadProductImage } from "~/modules/catalog/images.server";
import { allowedActions, fenToYuanInput, MAX_IMAGES, ProductInput } from "~/modules/catalog/manage";
import { getMerchantProduct, listAllowedCategories, setShelf, submitProduct, updateProduct } from "~/modules/catalog/manage.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "merchantCatalog.form.editTitle")} · ${translate(locale, "app.name")}` }];
};

const DONE = ["created", "saved", "sentToReview", "submitted", "takenOff", "putOnDone", "uploaded"] as const;
/** The original plus three resized copies and the form fields. */
const MAX_UPLOAD_BYTES = MAX_IMAGE_BYTES + 3 * 1024 * 1024 + 64 * 1024;

const ImageChange = v.object({
  intent: v.picklist(["image-up", "image-down", "image-delete"]),
  imageId: v.pipe(v.string(), v.regex(/^img_[0-9a-z]{20}$/)),
});

async function guard(request: Request, context: LoaderFunctionArgs["context"], id: string | undefined) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const found = await getMerchantProduct(context, merchant.id, id ?? "");
  // Another merchant's product (or none): the same 404, so ids reveal nothing.
  if (!found) throw new Response("Not Found", { status: 404 });
  return { user, merchant, found };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { merchant, found } = await guard(request, context, params.id);
  return { ...found, categories: await listAllowedCategories(context, merchant.id), locale: resolveLocale(request) };
}

const failure = (code: string, status = 400, field?: string) =>
  data({ result: null, error: code, fieldErrors: (field ? { [field]: [code] } : {}) as Record<string, string[]> }, { status });

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user, merchant, found } = await guard(request, context, params.id);
  const productId = found.product.id;
  const length = Number(request.headers.get("Content-Length") ?? "0");
  if (length > MAX_UPLOAD_BYTES) return failure("image_too_large", 413);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const back = (done: (typeof DONE)[number]) => redirect(`/merchant/products/${productId}?done=${done}`);

  if (intent === "save" || form.has("__intent__")) {
    const submission = parseWithValibot(form, { schema: ProductInput });
    if (submission.status === undefined) return { result: submission.reply(), error: null };
    if (submission.status !== "success") return data({ result: submission.reply(), error: null }, { status: 400 });
    const saved = await updateProduct(context, merchant.id, user.id, productId, submission.value);
    if (!saved.ok) {
      const field = saved.error.field;
      return data(
        { result: submission.reply(field ? { fieldErrors: { [field]: [saved.error.code] } } : { formErrors: [saved.error.code] }), error: null },
        { status: saved.error.code === "locked_in_review" ? 409 : 400 },
      );
    }
    return back(saved.value.sentToReview ? "sentToReview" : "saved");
  }
  if (intent === "submit" || intent === "take-off" || intent === "put-on") {
    const done =
      intent === "submit" ? await submitProduct(context, merchant.id, user.id, productId) : await setShelf(context, merchant.id, user.id, productId, intent === "put-on");
    if (!done.ok) return failure(done.error.code, 409);
    return back(intent === "submit" ? "submitted" : intent === "take-off" ? "takenOff" : "putOnDone");
  }
  if (intent === "upload-image") {
    const file = form.get("image");
    const variants = new Map<number, File>();
    for (const w of VARIANT_WIDTHS) {
      const part = form.get(`variant_${w}`);
      if (part instanceof File && part.size > 0) variants.set(w, part);
    }
    const uploaded = await uploadProductImage(context, merchant.id, user.id, productId, file instanceof File ? file : null, variants);
    if (!uploaded.ok) {
      const status = uploaded.error.code === "image_too_large" ? 413 : uploaded.error.code === "locked_in_review" ? 409 : 400;
      return failure(uploaded.error.code, status, status === 409 ? undefined : "image");
    }
    return back(uploaded.value.sentToReview ? "sentToReview" : "uploaded");
  }
  const change = v.safeParse(ImageChange, { intent, imageId: form.get("imageId") });
  if (!change.success) return failure("invalid", 400, v.getDotPath(change.issues[0]) === "imageId" ? "imageId" : "intent");
  const changed = await changeProductImage(
    context,
    merchant.id,
    user.id,
    productId,
    change.output.imageId,
    change.output.intent === "image-delete" ? "delete" : change.output.intent === "image-up" ? "up" : "down",
  );
  if (!changed.ok) return failure(changed.error.code, changed.error.code === "not_found" ? 404 : 409);
  return back(["on_shelf", "off_shelf"].includes(found.product.status) ? "sentToReview" : "saved");
}

export default function EditProduct() {
  const { t } = useTranslation();
  const { product, skus, images, categories, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const done = DONE.find((d) => d === params.get("done"));
  const can = allowedActions(product.status, product.reviewedAt !== null);
  const doneText =
    done === "created" || done === "saved" || done === "sentToReview"
      ? t(`merchantCatalog.form.${done}`)
      : done === "uploaded"
      ? t("merchantCatalog.images.uploaded")
      : done
      ? t(`merchantCatalog.actions.${done}`)
      : null;
  return (
    <div className="max-w-5xl space-y-4">
      <Link to="/merchant/products" className="link text-sm">
        {t("merchantCatalog.form.back")}
      </Link>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold">{locale === "en" ? product.titleEn : product.titleZh}</h1>
        <StatusBadge status={product.status} />
      </div>
      {doneText && !actionData ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {doneText}
        </p>
      ) : null}
      {actionData?.error ? <CatalogErrors errors={[actionData.error]} /> : null}

      <section className="card space-y-3" aria-labelledby="state-title">
        <h2 id="state-title" className="sr-only">
          {t("merchantCatalog.columns.status")}
        </h2>
        <p className={product.status === "rejected" ? "text-danger" : ""}>
          {t(`merchantCatalog.state.${product.status}`, {
            reason: product.rejectReason ?? "",
            at: product.submittedAt ? formatDateTime(product.submittedAt, locale) : "",
          })}
        </p>
        <div className="flex flex-wrap gap-2">
          {can.submit || can.resubmitFromOff ? (
            <Form method="post">
              <button type="submit" name="intent" value="submit" className="btn-primary">
                {t("merchantCatalog.actions.submit")}
              </button>
            </Form>
          ) : null}
          {can.takeOff ? (
            <Form method="post">
              <button type="submit" name="intent" value="take-off" className="btn-secondary">
                {t("merchantCatalog.actions.takeOff")}
              </button>
            </Form>
          ) : null}
          {can.putOn ? (
            <Form method="post">
              <button type="submit" name="intent" value="put-on" className="btn-primary">
                {t("merchantCatalog.actions.putOn")}
              </button>
            </Form>
          ) : null}
        </div>
      </section>

      <section className="card space-y-3" aria-labelledby="images-title">
        <h2 id="images-title" className="text-lg font-semibold">
          {t("merchantCatalog.images.title")}
        </h2>
        <p className="text-sm text-muted">{t("merchantCatalog.images.hint")}</p>
        {images.length === 0 ? <p className="text-muted">{t("merchantCatalog.images.none")}</p> : null}
        <ol className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
          {images.map((img, i) => (
            <li key={img.id} className="space-y-1">
              <img
                src={img.url}
                srcSet={imageSrcSet(img.url, img.widths, img.width)}
                sizes="160px"
                alt={t("merchantCatalog.images.alt", { n: i + 1 })}
                width={img.width ?? 160}
                height={img.height ?? 160}
                loading="lazy"
                className="aspect-square w-full rounded-xl bg-surface object-cover"
              />
              {can.editContent ? (
                <Form method="post" className="flex justify-between">
                  <input type="hidden" name="imageId" value={img.id} />
                  <button type="submit" name="intent" value="image-up" disabled={i === 0} aria-label={t("merchantCatalog.images.moveUp", { n: i + 1 })} className="flex size-11 items-center justify-center rounded-full hover:bg-surface disabled:opacity-40">
                    <ArrowUp aria-hidden className="size-5" />
                  </button>
                  <button type="submit" name="intent" value="image-down" disabled={i === images.length - 1} aria-label={t("merchantCatalog.images.moveDown", { n: i + 1 })} className="flex size-11 items-center justify-center rounded-full hover:bg-surface disabled:opacity-40">
                    <ArrowDown aria-hidden className="size-5" />
                  </button>
                  <button type="submit" name="intent" value="image-delete" aria-label={t("merchantCatalog.images.delete", { n: i + 1 })} className="flex size-11 items-center justify-center rounded-full text-danger hover:bg-danger-50">
                    <Trash2 aria-hidden className="size-5" />
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ol>
        {can.editContent ? (
          images.length < MAX_IMAGES ? (
            <ImageUploadForm disabled={false} />
          ) : (
            <p className="text-sm text-muted">{t("merchantCatalog.images.full")}</p>
          )
        ) : null}
      </section>

      {can.editContent ? (
        <ProductForm
          key={product.updatedAt}
          id={`product-${product.id}`}
          locale={locale}
          categories={categories}
          lastResult={actionData?.result}
          submitLabel={t("merchantCatalog.form.save")}
          defaults={{
            titleZh: product.titleZh,
            titleEn: product.titleEn,
            descriptionZh: product.descriptionZh,
            descriptionEn: product.descriptionEn,
            categoryId: product.categoryId,
            unit: product.unit,
            skus: skus.map((s) => ({
              id: s.id,
              specZh: s.specZh,
              specEn: s.specEn,
              priceYuan: fenToYuanInput(s.priceFen),
              stock: String(s.stock),
              ...(s.status === "active" ? { active: "on" as const } : {}),
            })),
          }}
        />
      ) : null}
    </div>
  );
}
