import { parseWithValibot } from "~/lib/form-submission";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import ChevronLeft from "lucide-react/icons/chevron-left";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/auth/guards.server";
import { ReviewItem } from "~/components/reviews/review-item";
import { StarInput } from "~/components/reviews/stars";
import { FieldErrors, FormErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { resolveLocale } from "~/lib/preferences.server";
import { imageUrl } from "~/modules/catalog/queries.server";
import { MAX_REVIEW_BODY, MAX_REVIEW_PHOTOS, ReviewFormInput } from "~/modules/reviews/reviews";
import { createReview, getReviewTarget } from "~/modules/reviews/reviews.server";

/**
 * /orders/:id/review/:lineId — the shopper reviews one picked-up line of their own order: stars
 * (radio buttons), text and up to three photos (multipart, checked on the server by their bytes).
 * Once written the page shows the review instead of the form.
 */
export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "reviews.form.title")} · ${translate(locale, "app.name")}` }];
};

const SCOPE = "reviews.errors";

function idsFrom(params: { id?: string; lineId?: string }) {
  const orderId = params.id ?? "";
  const lineId = params.lineId ?? "";
  if (!/^ord_[0-9a-z]{20}$/.test(orderId) || !/^oli_[0-9a-z]{20}$/.test(lineId)) throw new Response("Not Found", { status: 404 });
  return { orderId, lineId };
}

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const { orderId, lineId } = idsFrom(params);
  const target = await getReviewTarget(context, user.id, orderId, lineId);
  if (!target) throw new Response("Not Found", { status: 404 });
  // The image URL is made here: `imageUrl` lives in a server module the browser bundle leaves out.
  return data({ target, image: imageUrl(target.imageKey), locale: resolveLocale(request) }, { headers: { "Cache-Control": "private, no-store" } });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request);
  const { orderId, lineId } = idsFrom(params);
  const formData = await request.formData();
  const submission = parseWithValibot(formData, { schema: ReviewFormInput });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const photos = formData.getAll("photos").filter((f): f is File => typeof f === "object" && f !== null && "arrayBuffer" in f);
  const created = await createReview(context, { userId: user.id, orderId, lineId, rating: submission.value.rating, body: submission.value.body ?? "", photos });
  if (!created.ok) {
    const { code, field } = created.error;
    if (code === "line_not_found") throw new Response("Not Found", { status: 404 });
    const status = field === "photos" ? 400 : 409;
    return data({ result: submission.reply(field ? { fieldErrors: { [field]: [code] } } : { formErrors: [code] }) }, { status });
  }
  throw redirect(`/orders/${orderId}/review/${lineId}?done=${created.value.points}`);
}

export default function ReviewLine() {
  const { t } = useTranslation();
  const { target, image, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const errors = actionData?.result.error;
  const earned = Number(params.get("done") ?? "0");
  return (
    <div className="space-y-3 p-4">
      <Link to={`/orders/${target.orderId}`} className="link flex min-h-11 items-center gap-1 text-sm">
        <ChevronLeft aria-hidden className="size-4" />
        {t("reviews.form.back")}
      </Link>
      <h1 className="text-2xl font-bold">{target.review ? t("reviews.form.doneTitle") : t("reviews.form.title")}</h1>
      <section className="card flex items-center gap-3" aria-label={t("reviews.form.item")}>
        {image ? <img src={image} alt="" width={64} height={64} className="size-16 rounded-lg object-cover" /> : null}
        <div>
          <p className="font-medium">{target.title}</p>
          <p className="text-sm text-muted">{target.spec}</p>
        </div>
      </section>

      {target.review ? (
        <section className="card space-y-2" aria-labelledby="my-review-title">
          {params.has("done") ? (
            <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
              {earned > 0 ? t("reviews.form.thanksPoints", { count: earned }) : t("reviews.form.thanks")}
            </p>
          ) : null}
          <h2 id="my-review-title" className="font-semibold">
            {t("reviews.form.mine")}
          </h2>
          {target.review.status === "hidden" ? <p className="text-sm text-danger">{t("reviews.form.hidden")}</p> : null}
          <ReviewItem review={target.review} locale={locale} />
          <Link to={`/products/${target.productId}/reviews`} className="btn-secondary min-h-12 w-full">
            {t("reviews.form.seeAll")}
          </Link>
        </section>
      ) : !target.reviewable ? (
        <p className="card text-sm" role="status">
          {t("reviews.form.notYet")}
        </p>
      ) : (
        <Form method="post" encType="multipart/form-data" className="card space-y-4" aria-labelledby="review-form-title">
          <h2 id="review-form-title" className="sr-only">
            {t("reviews.form.title")}
          </h2>
          <FormErrors id="review-errors" errors={errors?.[""]} errorScope={SCOPE} />
          <div>
            <StarInput name="rating" invalid={Boolean(errors?.rating)} describedBy={errors?.rating ? "rating-errors" : undefined} />
            <FieldErrors id="rating-errors" errors={errors?.rating} errorScope={SCOPE} />
          </div>
          <div>
            <label htmlFor="review-body" className="field-label">
              {t("reviews.form.body")}
            </label>
            <textarea
              id="review-body"
              name="body"
              rows={5}
              maxLength={MAX_REVIEW_BODY}
              className="field-input py-2"
              placeholder={t("reviews.form.bodyPlaceholder")}
              aria-describedby={["review-body-hint", errors?.body ? "body-errors" : ""].filter(Boolean).join(" ")}
              aria-invalid={errors?.body ? true : undefined}
            />
            <p id="review-body-hint" className="mt-1 text-sm text-muted">
              {t("reviews.form.bodyHint", { max: MAX_REVIEW_BODY })}
            </p>
            <FieldErrors id="body-errors" errors={errors?.body} errorScope={SCOPE} />
          </div>
          <div>
            <label htmlFor="review-photos" className="field-label">
              {t("reviews.form.photos", { count: MAX_REVIEW_PHOTOS })}
            </label>
            <input
              id="review-photos"
              name="photos"
              type="file"
              accept="image/jpeg,image/png,image/webp"
              multiple
              className="block w-full text-sm"
              aria-describedby={["review-photos-hint", errors?.photos ? "photos-errors" : ""].filter(Boolean).join(" ")}
              aria-invalid={errors?.photos ? true : undefined}
            />
            <p id="review-photos-hint" className="mt-1 text-sm text-muted">
              {t("reviews.form.photosHint")}
            </p>
            <FieldErrors id="photos-errors" errors={errors?.photos} errorScope={SCOPE} />
          </div>
          {target.points > 0 ? <p className="text-sm text-brand-800">{t("reviews.form.pointsHint", { count: target.points })}</p> : null}
          <button type="submit" className="btn-primary min-h-12 w-full" disabled={navigation.state === "submitting"}>
            {t("reviews.form.submit")}
          </button>
        </Form>
      )}
    </div>
  );
}
