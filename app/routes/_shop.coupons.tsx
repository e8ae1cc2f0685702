import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { getOptionalUser, requireUser } from "~/auth/guards.server";
import { CouponFigure, CouponRule } from "~/components/coupons/coupon-face";
import { translate } from "~/i18n/i18n";
import { formatDate, formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { claimCoupon, findClaimedCoupon, listClaimable, templatePerUserLimit, type ClaimableTemplate } from "~/modules/coupons/claims.server";
import { ClaimInput } from "~/modules/coupons/schemas";

/**
 * /coupons: the claim centre (领券中心). Anyone may look; claiming needs a session (an anonymous
 * claim is sent to sign in and back here). A claim is a plain form POST: success redirects back
 * with the coupon named (`?claimed=`), a refusal answers 409 with its reason, so it works
 * without JavaScript.
 */
export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "coupons.centre.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getOptionalUser(context, request);
  const locale = resolveLocale(request);
  const claimedId = new URL(request.url).searchParams.get("claimed");
  const [templates, claimed] = await Promise.all([
    listClaimable(context, { userId: user?.id ?? null, locale }),
    user && claimedId && /^ucp_[0-9a-z]{20}$/.test(claimedId)
      ? findClaimedCoupon(context, user.id, claimedId)
      : null,
  ]);
  return data(
    {
      templates,
      signedIn: user !== null,
      locale,
      claimed: claimed ? { name: locale === "en" ? claimed.name_en : claimed.name_zh, validUntil: Number(claimed.valid_until) } : null,
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request);
  const parsed = v.safeParse(ClaimInput, Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ templateId: null, error: "not_found" as const, perUserLimit: null }, { status: 400 });
  const locale = resolveLocale(request);
  const claimed = await claimCoupon(context, { userId: user.id, templateId: parsed.output.templateId, locale });
  if (!claimed.ok) {
    const perUserLimit = await templatePerUserLimit(context, parsed.output.templateId);
    return data(
      { templateId: parsed.output.templateId, error: claimed.error.code, perUserLimit },
      { status: claimed.error.code === "not_found" ? 404 : 409 },
    );
  }
  return redirect(`/coupons?claimed=${claimed.value.couponId}`);
}

function Scope({ c }: { c: ClaimableTemplate }) {
  const { t } = useTranslation();
  if (c.products.length) return <>{t("coupons.centre.scope.products", { names: c.products.join("、") })}</>;
  if (c.categories.length) return <>{t("coupons.centre.scope.categories", { names: c.categories.join("、") })}</>;
  if (c.funding === "merchant" && c.merchantName) return <>{t("coupons.centre.scope.merchant", { merchant: c.merchantName })}</>;
  return <>{t("coupons.centre.scope.all")}</>;
}

function ClaimCard({ c }: { c: ClaimableTemplate }) {
  const { t } = useTranslation();
  const { signedIn, locale } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("templateId") === c.id;
  const titleId = `cpt-${c.id}`;
  return (
    <article className="card flex gap-4" aria-labelledby={titleId} data-template-id={c.id} data-state={c.state}>
      <div className="flex w-24 shrink-0 flex-col items-center justify-center border-r border-dashed border-line pr-3 text-center">
        <CouponFigure coupon={c} locale={locale} />
        <p className="text-xs text-muted">
          <CouponRule coupon={c} />
        </p>
      </div>
      <div className="min-w-0 flex-1 space-y-1">
        <h2 id={titleId} className="font-semibold">
          {c.name}
        </h2>
        <p className="text-xs">
          <span className={`rounded-full px-2 py-0.5 font-semibold ${c.funding === "platform" ? "bg-brand-50 text-brand-800" : "bg-surface text-ink"}`}>
            {c.funding === "platform" ? t("coupons.centre.funding.platform") : t("coupons.centre.funding.merchant", { merchant: c.merchantName ?? "" })}
          </span>
        </p>
        <p className="text-xs text-muted">
          <Scope c={c} />
        </p>
        <p className="text-xs text-muted">
          {c.validDays ? t("coupons.centre.validDays", { count: c.validDays }) : t("coupons.centre.validUntil", { date: formatDate(c.endsAt, locale) })}
          {" · "}
          {t("coupons.centre.perUser", { count: c.perUserLimit })}
          {" · "}
          {t("coupons.centre.claimUntil", { date: formatDateTime(c.endsAt, locale) })}
        </p>
        {c.totalLimit !== null && c.remainingPercent !== null ? (
          <div className="flex items-center gap-2 text-xs">
            <span className="text-muted">{t("coupons.centre.limited", { count: c.totalLimit })}</span>
            <meter
              className="h-2 flex-1"
              min={0}
              max={100}
              value={c.remainingPercent}
              aria-label={t("coupons.centre.remainingLabel")}
              aria-valuetext={t("coupons.centre.remaining", { percent: c.remainingPercent })}
            />
            <span className="tabular text-price" data-testid="remaining">
              {t("coupons.centre.remaining", { percent: c.remainingPercent })}
            </span>
          </div>
        ) : null}
        <div className="flex flex-wrap items-center gap-3 pt-1">
          {c.held > 0 ? (
            <span className="text-sm text-brand-800" data-testid="held">
              {t("coupons.centre.held", { count: c.held })}
            </span>
          ) : null}
          {c.state === "available" ? (
            <Form method="post">
              <input type="hidden" name="intent" value="claim" />
              <input type="hidden" name="templateId" value={c.id} />
              <button type="submit" className="btn-primary min-h-11 px-5" disabled={busy} aria-label={t("coupons.centre.claimLabel", { name: c.name })}>
                {!signedIn ? t("coupons.centre.signInToClaim") : c.held > 0 ? t("coupons.centre.claimMore") : t("coupons.centre.claim")}
              </button>
            </Form>
          ) : c.state === "limit_reached" ? (
            <>
              <span className="rounded-full bg-surface px-3 py-1 text-sm font-semibold text-muted">{t("coupons.centre.limitReached")}</span>
              <Link to="/" className="text-sm font-medium text-brand-700 underline">
                {t("coupons.centre.goUse")}
              </Link>
            </>
          ) : (
            <span className="rounded-full bg-surface px-3 py-1 text-sm font-semibold text-muted">{t("coupons.centre.soldOut")}</span>
          )}
        </div>
      </div>
    </article>
  );
}

export default function ClaimCentre() {
  const { t } = useTranslation();
  const { templates, claimed, locale, signedIn } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="space-y-3 p-4">
      <div className="flex items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">{t("coupons.centre.title")}</h1>
        {signedIn ? (
          <Link to="/me/coupons" className="btn-secondary min-h-11 px-4 text-sm">
            {t("coupons.centre.mine")}
          </Link>
        ) : null}
      </div>
      <p className="text-sm text-muted">{t("coupons.centre.lead")}</p>
      {claimed && !actionData ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800" data-testid="claim-result">
          {t("coupons.centre.claimed", { name: claimed.name, date: formatDate(claimed.validUntil, locale) })}
        </p>
      ) : null}
      {actionData?.error ? (
        <p role="alert" className="rounded-xl bg-danger-50 p-3 text-sm text-danger" data-testid="claim-result">
          {t(`coupons.centre.refused.${actionData.error}`, { count: actionData.perUserLimit ?? 1 })}
        </p>
      ) : null}
      {templates.length === 0 ? <p className="card text-muted">{t("coupons.centre.empty")}</p> : null}
      <ul className="space-y-3">
        {templates.map((c) => (
          <li key={c.id}>
            <ClaimCard c={c} />
          </li>
        ))}
      </ul>
    </div>
  );
}
