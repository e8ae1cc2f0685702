import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { requirePermission } from "~/auth/guards.server";
import { Stars } from "~/components/reviews/stars";
import { FieldErrors, FormErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { ADMIN_REVIEW_FILTERS, MAX_HIDE_REASON, ModerateInput, parseListParams, type AdminReviewFilter } from "~/modules/reviews/reviews";
import { listAdminReviews, moderateReview } from "~/modules/reviews/reviews.server";

/**
 * /admin/reviews — every product review, newest first, filtered in the URL (all / low rating /
 * hidden). Admins holding `moderate:review:any` (the reviewer sub-role by default) hide an abusive
 * review with a reason, or show it again; both are audited. A hidden review leaves the product page
 * and its average at once; the shopper keeps the points it earned.
 */
export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "reviewsConsole.admin.title")} · ${translate(locale, "app.name")}` }];
};

const SCOPE = "reviewsConsole.errors";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context, request, "moderate:review:any");
  const { filter, page } = parseListParams(new URL(request.url).searchParams, ADMIN_REVIEW_FILTERS);
  const list = await listAdminReviews(context, { filter, page });
  return data({ list, locale: resolveLocale(request) }, { headers: { "Cache-Control": "private, no-store" } });
}

type FieldErrorMap = Record<string, string[] | undefined>;

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(context, request, "moderate:review:any");
  const form = Object.fromEntries(await request.formData());
  const reviewId = typeof form.reviewId === "string" ? form.reviewId : null;
  const parsed = v.safeParse(ModerateInput, form);
  if (!parsed.success) {
    const flat = v.flatten<typeof ModerateInput>(parsed.issues);
    return data({ reviewId, errors: { ...flat.nested, "": flat.root } as FieldErrorMap, done: null }, { status: 400 });
  }
  const { intent } = parsed.output;
  const done = await moderateReview(context, { adminId: admin.id, reviewId: parsed.output.reviewId, hide: intent === "hide", reason: parsed.output.reason });
  if (!done.ok) return data({ reviewId, errors: { "": [done.error.code] } as FieldErrorMap, done: null }, { status: done.error.code === "review_not_found" ? 404 : 409 });
  return { reviewId, errors: null as FieldErrorMap | null, done: intent === "hide" ? ("hidden" as const) : ("shown" as const) };
}

const href = (filter: AdminReviewFilter, page = 1) => {
  const q = new URLSearchParams();
  if (filter !== "all") q.set("filter", filter);
  if (page > 1) q.set("page", String(page));
  const s = q.toString();
  return s ? `?${s}` : "?";
};

export default function AdminReviews() {
  const { t } = useTranslation();
  const { list, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  return (
    <div className="max-w-5xl space-y-4">
      <header className="space-y-1">
        <h1 className="text-2xl font-bold">{t("reviewsConsole.admin.title")}</h1>
        <p className="text-sm text-muted">{t("reviewsConsole.admin.lead")}</p>
      </header>
      {actionData?.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t(`reviewsConsole.admin.${actionData.done}`)}
        </p>
      ) : null}
      {actionData?.errors?.[""] && !list.items.some((r) => r.id === actionData.reviewId) ? <FormErrors id="moderate-errors" errors={actionData.errors[""]} errorScope={SCOPE} /> : null}
      <nav aria-label={t("reviewsConsole.filters")}>
        <ul className="flex flex-wrap gap-2">
          {ADMIN_REVIEW_FILTERS.map((f) => (
            <li key={f}>
              <Link
                to={href(f)}
                aria-current={f === list.filter ? "page" : undefined}
                className={`flex min-h-11 items-center rounded-full border px-3 text-sm ${f === list.filter ? "border-brand-600 bg-brand-50 font-semibold text-brand-800" : "border-line bg-white"}`}
              >
                {t(`reviewsConsole.admin.filter.${f}`, { count: list.counts[f] })}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {list.items.length === 0 ? <p className="card text-muted">{t("reviewsConsole.empty")}</p> : null}
      <ol className="space-y-3">
        {list.items.map((r) => {
          const mine = actionData?.reviewId === r.id ? actionData.errors : null;
          const hide = r.status === "visible";
          return (
            <li key={r.id}>
              <article className="card space-y-2" aria-labelledby={`rv-${r.id}`} data-review-id={r.id}>
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <h2 id={`rv-${r.id}`} className="font-semibold">
                    <Link to={`/products/${r.productId}`} className="link">
                      {r.productTitle}
                    </Link>{" "}
                    <span className="text-sm font-normal text-muted">
                      {r.spec} · {r.merchantName}
                    </span>
                  </h2>
                  <time className="tabular text-sm text-muted">{formatDateTime(r.createdAt, locale)}</time>
                </div>
                <p className="flex flex-wrap items-center gap-2 text-sm">
                  <Stars rating={r.rating} />
                  <Link to={`/admin/users/${r.userId}`} className="link">
                    {r.userName}
                  </Link>
                  {r.status === "hidden" ? <span className="rounded-full bg-danger-50 px-2 text-xs leading-6 text-danger">{t("reviewsConsole.hiddenBadge")}</span> : null}
                </p>
                {r.body ? <p className="text-sm whitespace-pre-line">{r.body}</p> : null}
                {r.photos.length ? (
                  <ul className="flex gap-2" aria-label={t("reviews.photos")}>
                    {r.photos.map((url, i) => (
                      <li key={url}>
                        <a href={url} aria-label={t("reviews.photoOpen", { n: i + 1 })}>
                          <img src={url} alt="" loading="lazy" width={64} height={64} className="size-16 rounded-lg object-cover" />
                        </a>
                      </li>
                    ))}
                  </ul>
                ) : null}
                {r.reply ? (
                  <p className="rounded-lg bg-surface p-2 text-sm">
                    <span className="font-semibold">{t("reviews.merchantReply")}</span> {r.reply}
                  </p>
                ) : null}
                {r.status === "hidden" && r.hiddenReason ? (
                  <p className="text-sm text-danger">
                    {t("reviewsConsole.admin.hiddenBecause", { reason: r.hiddenReason, time: r.hiddenAt ? formatDateTime(r.hiddenAt, locale) : "" })}
                  </p>
                ) : null}
                <Form method="post" className="flex flex-wrap items-end gap-2 border-t border-line pt-2">
                  <input type="hidden" name="intent" value={hide ? "hide" : "unhide"} />
                  <input type="hidden" name="reviewId" value={r.id} />
                  <FormErrors id={`mod-${r.id}-form-errors`} errors={mine?.[""]} errorScope={SCOPE} />
                  <div className="min-w-48 flex-1">
                    <label htmlFor={`reason-${r.id}`} className="field-label">
                      {hide ? t("reviewsConsole.admin.hideReason") : t("reviewsConsole.admin.unhideReason")}
                    </label>
                    <input
                      id={`reason-${r.id}`}
                      name="reason"
                      required
                      maxLength={MAX_HIDE_REASON}
                      className="field-input"
                      aria-invalid={mine?.reason ? true : undefined}
                      aria-describedby={mine?.reason ? `reason-${r.id}-errors` : undefined}
                    />
                    <FieldErrors id={`reason-${r.id}-errors`} errors={mine?.reason} errorScope={SCOPE} />
                  </div>
                  <button type="submit" className={`${hide ? "btn bg-danger text-white" : "btn-secondary"} min-h-11 px-4`} disabled={busy}>
                    {hide ? t("reviewsConsole.admin.hide") : t("reviewsConsole.admin.unhide")}
                  </button>
                </Form>
              </article>
            </li>
          );
        })}
      </ol>
      {list.pages > 1 ? (
        <nav aria-label={t("reviewsConsole.pages")} className="flex items-center gap-3">
          {list.page > 1 ? (
            <Link to={href(list.filter, list.page - 1)} className="btn-secondary min-h-11 px-4" rel="prev">
              {t("reviewsConsole.prev")}
            </Link>
          ) : null}
          <span className="tabular text-sm text-muted">{t("reviewsConsole.pageOf", { page: list.page, pages: list.pages })}</span>
          {list.page < list.pages ? (
            <Link to={href(list.filter, list.page + 1)} className="btn-secondary min-h-11 px-4" rel="next">
              {t("reviewsConsole.next")}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}
