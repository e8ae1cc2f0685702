import { sql, type SQL } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { rawBatch, readBatch } from "~/db/raw-batch.server";
import { couponTemplates } from "~/db/schema";
import { newId, randomBase32 } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";
import { spendSql } from "~/modules/membership/levels.server";
import { checkWindow } from "~/modules/merchants/onboarding-schemas";
import type { MembershipLevels } from "~/modules/settings/catalogue";
import { getSettings } from "~/modules/settings/settings.server";
import type { NewTemplate, Segment } from "./schemas";
import { idList, remainingOf, segmentGrantKeyRange, templateState, type CouponKind, type TemplateState } from "./terms";

/**
 * The admin side of coupons (/admin/coupons, `manage:coupons:any`): every template with its
 * figures, platform-funded templates created, paused, resumed and ended, and coupons issued to a
 * segment of shoppers — previewed first, then issued by ONE INSERT…SELECT that respects the
 * per-user and the remaining total limit (ADR 021). Every change and its audit row are one batch.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
export const ADMIN_TEMPLATES_SHOWN = 200;

export interface AdminTemplate {
  id: string;
  nameZh: string;
  nameEn: string;
  funding: "platform" | "merchant";
  merchantName: string | null;
  kind: CouponKind;
  amountFen: number | null;
  thresholdFen: number | null;
  discountBp: number | null;
  maxDiscountFen: number | null;
  claimable: boolean;
  validDays: number | null;
  startsAt: number;
  endsAt: number;
  totalLimit: number | null;
  perUserLimit: number;
  issuedCount: number;
  usedCount: number;
  remaining: number | null;
  categoryCount: number;
  productCount: number;
  state: TemplateState;
}

export async function listTemplatesForAdmin(ctx: AppContext, now = Date.now()): Promise<AdminTemplate[]> {
  const rows = await ctx.db.all<{
    id: string;
    name_zh: string;
    name_en: string;
    funding: "platform" | "merchant";
    merchant_name: string | null;
    kind: CouponKind;
    amount_fen: number | null;
    threshold_fen: number | null;
    discount_bp: number | null;
    max_discount_fen: number | null;
    claimable: number;
    valid_days: number | null;
    starts_at: number;
    ends_at: number;
    total_limit: number | null;
    per_user_limit: number;
    issued_count: number;
    used_count: number;
    status: "active" | "paused";
    category_ids: string | null;
    product_ids: string | null;
  }>(sql`
    SELECT t.id, t.name_zh, t.name_en, t.funding, m.name AS merchant_name, t.kind, t.amount_fen, t.threshold_fen, t.discount_bp, t.max_discount_fen,
      t.claimable, t.valid_days, t.starts_at, t.ends_at, t.total_limit, t.per_user_limit, t.issued_count, t.status, t.category_ids, t.product_ids,
      (SELECT count(*) FROM user_coupons u WHERE u.template_id = t.id AND u.status = 'used') AS used_count
    FROM coupon_templates t LEFT JOIN merchants m ON m.id = t.merchant_id
    ORDER BY t.ends_at <= ${now}, t.created_at DESC, t.id
    LIMIT ${ADMIN_TEMPLATES_SHOWN}`);
  return rows.map((r) => {
    const row = { status: r.status, startsAt: Number(r.starts_at), endsAt: Number(r.ends_at) };
    const totalLimit = r.total_limit === null ? null : Number(r.total_limit);
    return {
      id: r.id,
      nameZh: r.name_zh,
      nameEn: r.name_en,
      funding: r.funding,
      merchantName: r.funding === "merchant" ? r.merchant_name : null,
      kind: r.kind,
      amountFen: r.amount_fen,
      thresholdFen: r.threshold_fen,
      discountBp: r.discount_bp,
      maxDiscountFen: r.max_discount_fen,
      claimable: Boolean(r.claimable),
      validDays: r.valid_days,
      startsAt: row.startsAt,
      endsAt: row.endsAt,
      totalLimit,
      perUserLimit: Number(r.per_user_limit),
      issuedCount: Number(r.issued_count),
      usedCount: Number(r.used_count),
      remaining: remainingOf({ totalLimit, issuedCount: Number(r.issued_count) }),
      categoryCount: idList(r.category_ids).length,
      productCount: idList(r.product_ids).length,
      state: templateState(row, now),
    };
  });
}

/** What the create form's pickers and the segment form offer: categories, on-shelf products, pickup points. */
export async function getAdminCouponOptions(ctx: AppContext, locale: string) {
  const [categories, products, points] = await readBatch<
    [{ id: string; name_zh: string; name_en: string }, { id: string; title_zh: string; title_en: string; merchant_name: string }, { id: string; name: string }]
  >(ctx, [
    sql`SELECT id, name_zh, name_en FROM categories ORDER BY sort, id`,
    sql`SELECT p.id, p.title_zh, p.title_en, m.name AS merchant_name FROM products p JOIN merchants m ON m.id = p.merchant_id
      WHERE p.status = 'on_shelf' ORDER BY p.title_zh, p.id LIMIT 300`,
    sql`SELECT id, name FROM pickup_points WHERE status = 'active' ORDER BY name, id LIMIT 300`,
  ]);
  const en = locale === "en";
  return {
    categories: categories.map((c) => ({ id: c.id, name: en ? c.name_en : c.name_zh })),
    products: products.map((p) => ({ id: p.id, name: `${en ? p.title_en : p.title_zh} · ${p.merchant_name}` })),
    pickupPoints: points.map((p) => ({ id: p.id, name: p.name })),
  };
}

export type CreateTemplateError = "starts_in_past" | "ends_in_past" | "category_not_found" | "product_not_found" | "valid_days_past_end";

/** Creates a platform-funded template (and its audit row, in one batch). */
export async function createPlatformTemplate(
  ctx: AppContext,
  input: { actorId: string; form: NewTemplate; now?: number },
): Promise<Result<{ id: string }, CreateTemplateError>> {
  const now = input.now ?? Date.now();
  const { form } = input;
  const clock = checkWindow(form, now);
  if (clock) return fail(clock.code as CreateTemplateError, clock.field);
  if (form.categoryIds.length || form.productIds.length) {
    const [cats, prods] = await readBatch<[{ id: string }, { id: string }]>(ctx, [
      sql`SELECT id FROM categories WHERE id IN (SELECT value FROM json_each(${JSON.stringify(form.categoryIds)}))`,
      sql`SELECT id FROM products WHERE id IN (SELECT value FROM json_each(${JSON.stringify(form.productIds)}))`,
    ]);
    if (cats.length !== form.categoryIds.length) return fail("category_not_found", "categoryIds");
    if (prods.length !== form.productIds.length) return fail("product_not_found", "productIds");
  }
  const id = newId("cpt");
  await ctx.db.batch([
    ctx.db.insert(couponTemplates).values({
      id,
      nameZh: form.nameZh,
      nameEn: form.nameEn,
      funding: "platform",
      merchantId: null,
      kind: form.kind,
      amountFen: form.amountFen,
      thresholdFen: form.thresholdFen,
      discountBp: form.discountBp,
      maxDiscountFen: form.maxDiscountFen,
      categoryIds: form.categoryIds.length ? JSON.stringify(form.categoryIds) : null,
      productIds: form.productIds.length ? JSON.stringify(form.productIds) : null,
      validDays: form.validDays,
      startsAt: form.startsAt,
      endsAt: form.endsAt,
      totalLimit: form.totalLimit,
      perUserLimit: form.perUserLimit,
      claimable: form.claimable,
      status: "active",
      createdAt: now,
    }),
    auditStatement(ctx, {
      actorUserId: input.actorId,
      action: "coupon.template.create",
      entityType: "coupon_template",
      entityId: id,
      data: { kind: form.kind, totalLimit: form.totalLimit, perUserLimit: form.perUserLimit, claimable: form.claimable },
    }),
  ]);
  return ok({ id });
}

export type TemplateActionError = "template_not_found" | "template_ended" | "template_not_paused" | "template_paused";

/**
 * pause: stop claims and issues (resumable); resume: a paused template runs again; end: its
 * window closes now (for good). Coupons already held stay valid until their own end.
 */
export async function changeTemplateStatus(
  ctx: AppContext,
  input: { actorId: string; templateId: string; intent: "pause" | "resume" | "end"; now?: number },
): Promise<Result<{ state: TemplateState }, TemplateActionError>> {
  const now = input.now ?? Date.now();
  const row = await ctx.db.get<{ status: "active" | "paused"; starts_at: number; ends_at: number }>(
    sql`SELECT status, starts_at, ends_at FROM coupon_templates WHERE id = ${input.templateId}`,
  );
  if (!row) return fail("template_not_found", "templateId");
  const state = templateState({ status: row.status, startsAt: Number(row.starts_at), endsAt: Number(row.ends_at) }, now);
  if (state === "ended") return fail("template_ended", "templateId");
  if (input.intent === "pause" && state === "paused") return fail("template_paused", "templateId");
  if (input.intent === "resume" && state !== "paused") return fail("template_not_paused", "templateId");
  const change =
    input.intent === "end"
      ? sql`UPDATE coupon_templates SET ends_at = ${now} WHERE id = ${input.templateId} AND ends_at > ${now}`
      : sql`UPDATE coupon_templates SET status = ${input.intent === "pause" ? "paused" : "active"} WHERE id = ${input.templateId} AND ends_at > ${now}`;
  await rawBatch(ctx, [
    change,
    auditStatement(ctx, { actorUserId: input.actorId, action: `coupon.template.${input.intent}`, entityType: "coupon_template", entityId: input.templateId }),
  ]);
  const next =
    input.intent === "end"
      ? "ended"
      : input.intent === "pause"
      ? "paused"
      : templateState({ status: "active", startsAt: Number(row.starts_at), endsAt: Number(row.ends_at) }, now);
  return ok({ state: next });
}

// ---------------------------------------------------------------------------------------------
// Segments

/**
 * The shoppers of a segment, as a subquery with one column `user_id` (active accounts holding the
 * shopper role):
 * - all: every shopper;
 * - level: by spend over the last 12 months against the membership thresholds (`spendSql`);
 * - pickup_point: shoppers whose chosen pickup point it is;
 * - new: never paid an order;
 * - lapsed: paid before, but no paid order in the last `days` days.
 */
export function segmentSql(segment: Segment, now: number, levels: MembershipLevels): SQL {
  const paid = sql`SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.paid_at IS NOT NULL`;
  let extra: SQL;
  switch (segment.kind) {
    case "all":
      extra = sql``;
      break;
    case "level": {
      const spend = spendSql(sql`u.id`, now);
      const silver = levels.silver.thresholdFen;
      const gold = levels.gold.thresholdFen;
      extra =
        segment.level === "gold"
          ? sql`AND ${spend} >= ${gold}`
          : segment.level === "silver"
          ? sql`AND ${spend} >= ${silver} AND ${spend} < ${gold}`
          : sql`AND ${spend} < ${silver}`;
      break;
    }
    case "pickup_point":
      extra = sql`AND u.id IN (SELECT p.user_id FROM user_pickup_points p WHERE p.pickup_point_id = ${segment.pickupPointId})`;
      break;
    case "new":
      extra = sql`AND NOT EXISTS (${paid})`;
      break;
    case "lapsed":
      extra = sql`AND EXISTS (${paid}) AND NOT EXISTS (${paid} AND o.paid_at >= ${now - segment.days * DAY_MS})`;
      break;
  }
  return sql`SELECT u.id AS user_id FROM users u
    WHERE u.status = 'active' AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'shopper') ${extra}`;
}

export type SegmentIssueError = "template_not_found" | "template_not_platform" | "template_not_running" | "template_sold_out";

type IssuableRow = {
  id: string;
  funding: string;
  status: "active" | "paused";
  starts_at: number;
  ends_at: number;
  total_limit: number | null;
  issued_count: number;
  per_user_limit: number;
};

function checkIssuable(row: IssuableRow | undefined, now: number): SegmentIssueError | null {
  if (!row) return "template_not_found";
  if (row.funding !== "platform") return "template_not_platform";
  if (templateState({ status: row.status, startsAt: Number(row.starts_at), endsAt: Number(row.ends_at) }, now) !== "running") return "template_not_running";
  if (remainingOf({ totalLimit: row.total_limit === null ? null : Number(row.total_limit), issuedCount: Number(row.issued_count) }) === 0)
    return "template_sold_out";
  return null;
}

export interface SegmentPreview {
  /** Shoppers in the segment. */
  size: number;
  /** Of those, shoppers still under the template's per-user limit. */
  eligible: number;
  /** What an issue now would give: the eligible, capped by what is left of the total limit. */
  willIssue: number;
  remaining: number | null;
  /** A fresh id for the confirm form: its grant keys make a double submit issue nothing twice. */
  issueId: string;
}

/** The preview step: the segment's size and what an issue would give now; nothing is written. */
export async function previewSegmentIssue(
  ctx: AppContext,
  input: { templateId: string; segment: Segment; now?: number },
): Promise<Result<SegmentPreview, SegmentIssueError>> {
  const now = input.now ?? Date.now();
  const settings = await getSettings(ctx, ["membership.levels"]);
  const segment = segmentSql(input.segment, now, settings["membership.levels"]);
  const [templates, counts] = await readBatch<[IssuableRow, { size: number; eligible: number }]>(ctx, [
    sql`SELECT id, funding, status, starts_at, ends_at, total_limit, issued_count, per_user_limit FROM coupon_templates WHERE id = ${input.templateId}`,
    sql`SELECT count(*) AS size,
        coalesce(sum((SELECT count(*) FROM user_coupons c WHERE c.template_id = ${input.templateId} AND c.user_id = s.user_id)
          < (SELECT per_user_limit FROM coupon_templates WHERE id = ${input.templateId})), 0) AS eligible
      FROM (${segment}) s`,
  ]);
  const template = templates[0];
  const refusal = checkIssuable(template, now);
  if (refusal) return fail(refusal, "templateId");
  const remaining = remainingOf({
    totalLimit: template!.total_limit === null ? null : Number(template!.total_limit),
    issuedCount: Number(template!.issued_count),
  });
  const size = Number(counts[0]?.size ?? 0);
  const eligible = Number(counts[0]?.eligible ?? 0);
  return ok({ size, eligible, willIssue: remaining === null ? eligible : Math.min(eligible, remaining), remaining, issueId: `iss_${randomBase32(20)}` });
}

/**
 * Issues one coupon of a platform template to every shopper of the segment still under the
 * per-user limit, as far as the total limit allows — ONE INSERT…SELECT, so the limits are checked
 * by the statement that inserts (ADR 021). Each coupon's grant key is `segment:<issueId>:<user>`:
 * submitting the same issue again gives nobody a second coupon. In the same batch: an inbox notice
 * per coupon issued (its id derived from the coupon's, so a rerun adds none) and the audit row
 * with the count issued. Recipients get the notice in their inbox (no push: a segment can be large).
 */
export async function issueToSegment(
  ctx: AppContext,
  input: { actorId: string; issueId: string; templateId: string; segment: Segment; now?: number },
): Promise<Result<{ issued: number }, SegmentIssueError>> {
  const now = input.now ?? Date.now();
  const [template, settings] = await Promise.all([
    ctx.db.get<IssuableRow>(
      sql`SELECT id, funding, status, starts_at, ends_at, total_limit, issued_count, per_user_limit FROM coupon_templates WHERE id = ${input.templateId}`,
    ),
    getSettings(ctx, ["membership.levels"]),
  ]);
  const refusal = checkIssuable(template, now);
  if (refusal) return fail(refusal, "templateId");
  const segment = segmentSql(input.segment, now, settings["membership.levels"]);
  const [lo, hi] = segmentGrantKeyRange(input.issueId);
  const ofThisIssue = sql`c.grant_key >= ${lo} AND c.grant_key < ${hi}`;
  const results = await rawBatch(ctx, [
    // The WHERE re-checks the template (a pause or end since the read wins); the LIMIT is what is
    // left of the total, evaluated once, before the first row: the total-limit trigger never fires.
    sql`INSERT INTO user_coupons (id, template_id, user_id, status, valid_from, valid_until, claimed_at, source, grant_key)
      SELECT 'ucp_' || lower(hex(randomblob(10))), t.id, s.user_id, 'available', ${now},
        CASE WHEN t.valid_days IS NULL THEN t.ends_at ELSE min(t.ends_at, ${now} + t.valid_days * ${DAY_MS}) END,
        ${now}, 'segment', ${`segment:${input.issueId}:`} || s.user_id
      FROM coupon_templates t, (${segment}) s
      WHERE t.id = ${input.templateId} AND t.funding = 'platform' AND t.status = 'active' AND t.starts_at <= ${now} AND t.ends_at > ${now}
        AND (SELECT count(*) FROM user_coupons c WHERE c.template_id = t.id AND c.user_id = s.user_id) < t.per_user_limit
      ORDER BY s.user_id
      LIMIT coalesce((SELECT max(0, x.total_limit - x.issued_count) FROM coupon_templates x WHERE x.id = ${input.templateId}), -1)
      ON CONFLICT (grant_key) DO NOTHING`,
    sql`INSERT OR IGNORE INTO notifications (id, user_id, kind, data, link, created_at)
      SELECT 'ntf_' || substr(c.id, 5), c.user_id, 'coupon.issued', json_object('name', CASE WHEN u.locale = 'en' THEN t.name_en ELSE t.name_zh END), '/me/coupons', ${now}
      FROM user_coupons c JOIN users u ON u.id = c.user_id JOIN coupon_templates t ON t.id = c.template_id
      WHERE ${ofThisIssue} AND c.claimed_at = ${now}`,
    sql`INSERT INTO audit_log (id, actor_user_id, action, entity_type, entity_id, data, created_at)
      SELECT ${newId("aud")}, ${input.actorId}, 'coupon.segment.issue', 'coupon_template', ${input.templateId},
        json_object('issueId', ${input.issueId}, 'segment', json(${JSON.stringify(
      input.segment,
    )}), 'issued', (SELECT count(*) FROM user_coupons c WHERE ${ofThisIssue} AND c.claimed_at = ${now})),
        ${now}`,
    // The count, read in the same transaction (`changes` would count the trigger's updates too).
    sql`SELECT count(*) AS n FROM user_coupons c WHERE ${ofThisIssue} AND c.claimed_at = ${now}`,
  ]);
  const issued = (results[3]?.results as Array<{ n: number }> | undefined)?.[0]?.n;
  return ok({ issued: Number(issued ?? 0) });
}
