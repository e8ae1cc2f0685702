import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { Stars } from "~/components/reviews/stars";
import { FieldErrors, FormErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { MAX_REPLY, MERCHANT_REVIEW_FILTERS, parseListParams, ReplyInput, type MerchantReviewFilter } from "~/modules/reviews/reviews";
import { listMerchantReviews, replyToReview } from "~/modules/reviews/reviews.server";

/**
 * /merchant/reviews — the reviews of the merchant's own products (owner and staff alike, as with
 * orders), filtered in the URL (all / unanswered / low rating), with one reply per review that can
 * be edited. The first reply tells the shopper in their inbox.
 */
export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "reviewsConsole.merchant.title")} · ${translate(locale, "app.name")}` }];
};

const SCOPE = "reviewsConsole.errors";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const { filter, page } = parseListParams(new URL(request.url).searchParams, MERCHANT_REVIEW_FILTERS);
  const list = await listMerchantReviews(context, merchant.id, { filter, page });
  return data({ list, locale: resolveLocale(request) }, { headers: { "Cache-Control": "private, no-store" } });
}

type FieldErrorMap = Record<string, string[] | undefined>;

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const form = Object.fromEntries(await request.formData());
  const reviewId = typeof form.reviewId === "string" ? form.reviewId : null;
  const parsed = v.safeParse(ReplyInput, form);
  if (!parsed.success) {
    const flat = v.flatten<typeof ReplyInput>(parsed.issues);
    return data({ reviewId, errors: { ...flat.nested, "": flat.root } as FieldErrorMap, done: false }, { status: 400 });
  }
  const replied = await replyToReview(context, { merchantId: merchant.id, userId: user.id, reviewId: parsed.output.reviewId, reply: parsed.output.reply });
  if (!replied.ok) return data({ reviewId, errors: { "": [replied.error.code] } as FieldErrorMap, done: false }, { status: 404 });
  return { reviewId, errors: null as FieldErrorMap | null, done: true };
}

const href = (filter: MerchantReviewFilter, page = 1) => {
  const q = new URLSearchParams();
  if (filter !== "all") q.set("filter", filter);
  if (page > 1) q.set("page", String(page));
  const s = q.toString();
  return s ? `?${s}` : "?";
};

export default function MerchantReviews() {
  const { t } = useTranslation();
  const { list, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  return (
    <div className="max-w-4xl space-y-4">
      <header className="space-y-1">
        <h1 className="text-2xl font-bold">{t("reviewsConsole.merchant.title")}</h1>
        <p className="text-sm text-muted">{t("reviewsConsole.merchant.lead")}</p>
      </header>
      {actionData?.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t("reviewsConsole.merchant.replied")}
        </p>
      ) : null}
      {actionData?.errors?.[""] && !list.items.some((r) => r.id === actionData.reviewId) ? <FormErrors id="reply-errors" errors={actionData.errors[""]} errorScope={SCOPE} /> : null}
      <nav aria-label={t("reviewsConsole.filters")}>
        <ul className="flex flex-wrap gap-2">
          {MERCHANT_REVIEW_FILTERS.map((f) => (
            <li key={f}>
              <Link
                to={href(f)}
                aria-current={f === list.filter ? "page" : undefined}
                className={`flex min-h-11 items-center rounded-full border px-3 text-sm ${f === list.filter ? "border-brand-600 bg-brand-50 font-semibold text-brand-800" : "border-line bg-white"}`}
              >
                {t(`reviewsConsole.merchant.filter.${f}`, { count: list.counts[f] })}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {list.items.length === 0 ? <p className="card text-muted">{t("reviewsConsole.empty")}</p> : null}
      <ol className="space-y-3">
        {list.items.map((r) => {
          const mine = actionData?.reviewId === r.id ? actionData.errors : null;
          return (
            <li key={r.id}>
              <article className="card space-y-2" aria-labelledby={`rv-${r.id}`} data-review-id={r.id}>
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <h2 id={`rv-${r.id}`} className="font-semibold">
                    {r.productTitle} <span className="text-sm font-normal text-muted">{r.spec}</span>
                  </h2>
                  <time className="tabular text-sm text-muted">{formatDateTime(r.createdAt, locale)}</time>
                </div>
                <p className="flex items-center gap-2 text-sm">
                  <Stars rating={r.rating} />
                  <span>{r.name}</span>
                  {r.status === "hidden" ? <span className="rounded-full bg-danger-50 px-2 text-xs leading-6 text-danger">{t("reviewsConsole.hiddenBadge")}</span> : null}
                </p>
                {r.body ? <p className="text-sm whitespace-pre-line">{r.body}</p> : null}
                {r.photos.length ? (
                  <ul className="flex gap-2" aria-label={t("reviews.photos")}>
                    {r.photos.map((url) => (
                      <li key={url}>
                        <img src={url} alt="" loading="lazy" width={64} height={64} className="size-16 rounded-lg object-cover" />
                      </li>
                    ))}
                  </ul>
                ) : null}
                <Form method="post" className="space-y-2 border-t border-line pt-2">
                  <input type="hidden" name="intent" value="reply" />
                  <input type="hidden" name="reviewId" value={r.id} />
                  <FormErrors id={`reply-${r.id}-form-errors`} errors={mine?.[""]} errorScope={SCOPE} />
                  <label htmlFor={`reply-${r.id}`} className="field-label">
                    {r.reply ? t("reviewsConsole.merchant.editReply") : t("reviewsConsole.merchant.reply")}
                  </label>
                  <textarea
                    id={`reply-${r.id}`}
                    name="reply"
                    rows={2}
                    required
                    maxLength={MAX_REPLY}
                    defaultValue={r.reply ?? ""}
                    className="field-input py-2"
                    aria-invalid={mine?.reply ? true : undefined}
                    aria-describedby={mine?.reply ? `reply-${r.id}-errors` : undefined}
                  />
                  <FieldErrors id={`reply-${r.id}-errors`} errors={mine?.reply} errorScope={SCOPE} />
                  {r.repliedAt ? <p className="tabular text-xs text-muted">{t("reviewsConsole.merchant.repliedAt", { time: formatDateTime(r.repliedAt, locale) })}</p> : null}
                  <button type="submit" className="btn-primary min-h-11 px-4" disabled={busy}>
                    {r.reply ? t("reviewsConsole.merchant.saveReply") : t("reviewsConsole.merchant.sendReply")}
                  </button>
                </Form>
              </article>
            </li>
          );
        })}
      </ol>
      <Pager page={list.page} pages={list.pages} link={(p) => href(list.filter, p)} />
    </div>
  );
}

function Pager({ page, pages, link }: { page: number; pages: number; link: (page: number) => string }) {
  const { t } = useTranslation();
  if (pages <= 1) return null;
  return (
    <nav aria-label={t("reviewsConsole.pages")} className="flex items-center gap-3">
      {page > 1 ? (
        <Link to={link(page - 1)} className="btn-secondary min-h-11 px-4" rel="prev">
          {t("reviewsConsole.prev")}
        </Link>
      ) : null}
      <span className="tabular text-sm text-muted">{t("reviewsConsole.pageOf", { page, pages })}</span>
      {page < pages ? (
        <Link to={link(page + 1)} className="btn-secondary min-h-11 px-4" rel="next">
          {t("reviewsConsole.next")}
        </Link>
      ) : null}
    </nav>
  );
}
