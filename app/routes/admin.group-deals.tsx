import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { requirePermission } from "~/auth/guards.server";
import { ReviewDecision } from "~/components/admin/review-decision";
import { PhaseBadge, RulesCell, SuccessCell, useLadderText } from "~/components/group-deals/campaign-cells";
import { FieldErrors, FormErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { formatDateTime, formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { CAMPAIGN_STATUS_FILTERS, parseStatusFilter, ReviewCampaignInput } from "~/modules/group-deals/campaign-schemas";
import { listAllCampaigns, listCampaignReviewQueue, reviewCampaign } from "~/modules/group-deals/campaigns.server";

/**
 * /admin/group-deals: the group-deal campaign review queue (pending, oldest first) with approve /
 * reject-with-a-reason, then every campaign with its success figures, filtered by status in the
 * URL (`?status=`). Reviewing a campaign is reviewing what a product is sold at, so the page and
 * its decisions need `review:product:any`, the product review queue's permission.
 */
export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "groupDealsConsole.admin.title")} · ${translate(locale, "app.name")}` }];
};

const SCOPE = "groupDealsConsole.errors";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context, request, "review:product:any");
  const status = parseStatusFilter(new URL(request.url).searchParams.get("status"));
  const now = Date.now();
  const [queue, all] = await Promise.all([listCampaignReviewQueue(context, now), listAllCampaigns(context, status, now)]);
  return data({ queue, all, status, locale: resolveLocale(request) }, { headers: { "Cache-Control": "private, no-store" } });
}

type FieldErrorMap = Record<string, string[] | undefined>;

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(context, request, "review:product:any");
  const form = Object.fromEntries(await request.formData());
  const campaignId = typeof form.campaignId === "string" ? form.campaignId : null;
  const parsed = v.safeParse(ReviewCampaignInput, form);
  if (!parsed.success) {
    const flat = v.flatten<typeof ReviewCampaignInput>(parsed.issues);
    return data({ campaignId, errors: { ...flat.nested, "": flat.root } as FieldErrorMap, done: null }, { status: 400 });
  }
  const input = parsed.output;
  const reviewed = await reviewCampaign(context, {
    campaignId: input.campaignId,
    actorId: admin.id,
    decision: input.intent,
    reason: input.intent === "reject" ? input.reason : undefined,
  });
  if (!reviewed.ok) {
    const { code, field } = reviewed.error;
    const errors: FieldErrorMap = field === "reason" ? { reason: [code] } : { "": [code] };
    return data({ campaignId, errors, done: null }, { status: code === "campaign_not_found" ? 404 : code === "reject_reason_required" ? 400 : 409 });
  }
  return { campaignId, errors: null as FieldErrorMap | null, done: input.intent === "approve" ? ("approved" as const) : ("rejected" as const) };
}

export default function AdminGroupDeals() {
  const { t } = useTranslation();
  const { queue, all, status, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const ladder = useLadderText();
  const en = locale === "en";
  const nameOf = (c: { titleZh: string; titleEn: string; specZh: string; specEn: string }) => (en ? `${c.titleEn} · ${c.specEn}` : `${c.titleZh} · ${c.specZh}`);
  return (
    <div className="max-w-6xl space-y-6">
      <header className="space-y-1">
        <h1 className="text-2xl font-bold">{t("groupDealsConsole.admin.title")}</h1>
        <p className="text-sm text-muted">{t("groupDealsConsole.admin.lead")}</p>
      </header>
      {actionData?.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t(`groupDealsConsole.admin.${actionData.done}`)}
        </p>
      ) : null}

      <section aria-labelledby="queue-title" className="space-y-3">
        <h2 id="queue-title" className="text-lg font-semibold">
          {t("groupDealsConsole.admin.queue")}
        </h2>
        <p className="text-muted">{queue.length ? t("groupDealsConsole.admin.queueCount", { count: queue.length }) : t("groupDealsConsole.admin.queueEmpty")}</p>
        <ol className="space-y-4">
          {queue.map((c) => {
            const mine = actionData?.campaignId === c.id;
            const reasonErrors = mine ? actionData?.errors?.reason : undefined;
            const otherErrors = mine ? actionData?.errors?.[""] : undefined;
            const name = nameOf(c);
            const first = c.tiers[0];
            return (
              <li key={c.id}>
                <article className="card space-y-3" aria-labelledby={`gd-${c.id}`} data-campaign-id={c.id}>
                  <div className="flex flex-wrap items-baseline justify-between gap-2">
                    <h3 id={`gd-${c.id}`} className="text-lg font-semibold">
                      {name}
                    </h3>
                    <span className="tabular text-sm text-muted">{t("groupDealsConsole.admin.submittedAt", { time: formatDateTime(c.createdAt, locale) })}</span>
                  </div>
                  <dl className="grid grid-cols-[7rem_1fr] gap-x-4 gap-y-1 text-sm">
                    <dt className="text-muted">{t("groupDealsConsole.col.merchant")}</dt>
                    <dd>{c.merchantName}</dd>
                    <dt className="text-muted">{t("groupDealsConsole.col.ladder")}</dt>
                    <dd className="tabular">
                      <span className="font-semibold text-price">{ladder(c.tiers)}</span>
                      <span className="block text-muted">
                        {t("groupDealsConsole.listPrice", { price: formatFen(c.listPriceFen) })}
                        {first ? ` · ${t("groupDealsConsole.admin.discount", { amount: formatFen(c.listPriceFen - first.unitPriceFen) })}` : ""}
                      </span>
                    </dd>
                    <dt className="text-muted">{t("groupDealsConsole.col.rules")}</dt>
                    <dd>
                      <RulesCell c={c} />
                    </dd>
                    <dt className="text-muted">{t("groupDealsConsole.col.window")}</dt>
                    <dd className="tabular">{t("groupDealsConsole.window", { from: formatDateTime(c.startsAt, locale), to: formatDateTime(c.endsAt, locale) })}</dd>
                  </dl>
                  <FormErrors id={`gd-${c.id}-errors`} errors={otherErrors} errorScope={SCOPE} />
                  <div className="border-t border-line pt-3">
                    <ReviewDecision
                      idField="campaignId"
                      id={c.id}
                      busy={busy}
                      reasonInvalid={Boolean(reasonErrors?.length)}
                      reasonError={<FieldErrors id={`reason-${c.id}-error`} errors={reasonErrors} errorScope={SCOPE} />}
                      text={{
                        approve: t("groupDealsConsole.admin.approve"),
                        approveLabel: t("groupDealsConsole.admin.approveLabel", { name }),
                        reason: t("groupDealsConsole.admin.reason"),
                        reasonHint: t("groupDealsConsole.admin.reasonHint"),
                        reject: t("groupDealsConsole.admin.reject"),
                      }}
                    />
                  </div>
                </article>
              </li>
            );
          })}
        </ol>
        {actionData?.errors?.[""] && !queue.some((c) => c.id === actionData.campaignId) ? <FormErrors id="review-errors" errors={actionData.errors[""]} errorScope={SCOPE} /> : null}
      </section>

      <section aria-labelledby="all-title" className="card space-y-3">
        <h2 id="all-title" className="text-lg font-semibold">
          {t("groupDealsConsole.admin.all")}
        </h2>
        <Form method="get" className="flex flex-wrap items-end gap-3">
          <div>
            <label htmlFor="gd-status" className="field-label">
              {t("groupDealsConsole.admin.filter")}
            </label>
            <select id="gd-status" name="status" defaultValue={status} className="field-input">
              {CAMPAIGN_STATUS_FILTERS.map((s) => (
                <option key={s} value={s}>
                  {t(`groupDealsConsole.status.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="btn-secondary">
            {t("groupDealsConsole.admin.apply")}
          </button>
        </Form>
        {all.length === 0 ? (
          <p className="text-sm text-muted">{t("groupDealsConsole.admin.allEmpty")}</p>
        ) : (
          <>
            <p className="text-sm text-muted">{t("groupDealsConsole.admin.shown", { count: all.length })}</p>
            <div className="max-h-[40rem] overflow-auto rounded-xl border border-line" tabIndex={0} role="region" aria-labelledby="all-title">
              <table className="w-full min-w-[60rem] text-left text-sm">
                <thead className="sticky top-0 z-10 bg-white">
                  <tr className="border-b border-line">
                    <th scope="col" className="p-2">
                      {t("groupDealsConsole.col.product")}
                    </th>
                    <th scope="col" className="p-2">
                      {t("groupDealsConsole.col.merchant")}
                    </th>
                    <th scope="col" className="p-2">
                      {t("groupDealsConsole.col.ladder")}
                    </th>
                    <th scope="col" className="p-2">
                      {t("groupDealsConsole.col.rules")}
                    </th>
                    <th scope="col" className="p-2">
                      {t("groupDealsConsole.col.window")}
                    </th>
                    <th scope="col" className="p-2">
                      {t("groupDealsConsole.col.status")}
                    </th>
                    <th scope="col" className="p-2">
                      {t("groupDealsConsole.col.success")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {all.map((c) => (
                    <tr key={c.id} className="border-b border-line align-top last:border-0" data-campaign-id={c.id}>
                      <th scope="row" className="p-2 text-left font-medium">
                        {nameOf(c)}
                        <span className="tabular block text-xs font-normal text-muted">{t("groupDealsConsole.listPrice", { price: formatFen(c.listPriceFen) })}</span>
                        {c.status === "rejected" && c.reviewNote ? <span className="block text-xs font-normal text-danger">{t("groupDealsConsole.merchant.reviewNote", { reason: c.reviewNote })}</span> : null}
                      </th>
                      <td className="p-2 whitespace-nowrap">{c.merchantName}</td>
                      <td className="tabular p-2 text-price">{ladder(c.tiers)}</td>
                      <td className="p-2">
                        <RulesCell c={c} />
                      </td>
                      <td className="tabular p-2 text-xs">{t("groupDealsConsole.window", { from: formatDateTime(c.startsAt, locale), to: formatDateTime(c.endsAt, locale) })}</td>
                      <td className="p-2">
                        <PhaseBadge phase={c.phase} />
                      </td>
                      <td className="tabular p-2">
                        <SuccessCell stats={c.stats} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
    </div>
  );
}
