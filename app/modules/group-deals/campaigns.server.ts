import { and, asc, desc, eq, gt, inArray, sql, type SQL } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { rawBatch } from "~/db/raw-batch.server";
import { auditLog, groupDealCampaigns, groupDeals, merchants, products, skus } from "~/db/schema";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import type { AuditEntry } from "~/modules/audit/audit.server";
import { checkWindow } from "~/modules/merchants/onboarding-schemas";
import { noticeGroupDealReviewed } from "~/modules/notifications/triggers.server";
import { campaignPhase, campaignStats, checkTiers, NO_GROUPS, type CampaignStatusFilter, type CreateCampaignInput } from "./campaign-schemas";
import { parseTiers } from "./tiers";

/**
 * Group-deal campaigns (拼团活动, SPEC §4 Marketing, §6): a merchant offers one of its own SKUs at
 * a tier ladder (tiers.ts), an admin approves it before shoppers see it, and the merchant may pause
 * and resume it. The groups themselves (start, join, close, refunds) are groups.server.ts.
 *
 * Rules:
 * - A campaign sells an active SKU of the merchant's own product that is on shelf (approved and
 *   on sale); another merchant's SKU is "not found", never "forbidden", so ids reveal nothing.
 * - The first tier is below the SKU's price (a group price is a saving); the ladder's own rules
 *   are the lead's `validateTiers`.
 * - One live campaign per SKU at a time: a campaign pending review, approved or paused whose
 *   window overlaps and has not ended blocks another. The check is part of the insert itself
 *   (INSERT … SELECT … WHERE NOT EXISTS), so two submissions at once cannot both pass.
 * - Every change is one D1 batch with its audit row, and the audit row is written only when the
 *   change happened (INSERT … SELECT on the changed row), so a double click or two reviewers at
 *   once leave one change and one audit row; the loser is told the campaign moved on (409).
 * - Pausing stops new groups from starting; groups already open run to their deadline (their
 *   members paid and are owed the ADR 017 outcome).
 */

type Campaign = typeof groupDealCampaigns.$inferSelect;

/** Statuses that hold the SKU: a new campaign may not overlap one of these while it lasts. */
const HOLDING = ["pending_review", "approved", "paused"] as const;

/**
 * The audit row of a change, inserted only if `changed` finds the campaign in its new state (same
 * batch, after the update): an update that matched nothing leaves no audit row.
 */
function auditIfChanged(ctx: AppContext, entry: AuditEntry, changed: SQL | undefined) {
  return ctx.db.insert(auditLog).select(
    ctx.db
      .select({
        id: sql<string>`${newId("aud")}`.as("id"),
        actorUserId: sql<string | null>`${entry.actorUserId}`.as("actor_user_id"),
        action: sql<string>`${entry.action}`.as("action"),
        entityType: sql<string>`${entry.entityType}`.as("entity_type"),
        entityId: sql<string | null>`${entry.entityId ?? null}`.as("entity_id"),
        data: sql<string | null>`${entry.data ? JSON.stringify(entry.data) : null}`.as("data"),
        createdAt: sql<number>`${Date.now()}`.as("created_at"),
      })
      .from(groupDealCampaigns)
      .where(changed),
  );
}

// ---------------------------------------------------------------------------------------------
// Merchant

/** The SKUs a campaign may sell: active SKUs of the merchant's products that are on shelf. */
export async function listCampaignSkus(ctx: AppContext, merchantId: string, locale: string) {
  const rows = await ctx.db
    .select({ id: skus.id, priceFen: skus.priceFen, specZh: skus.specZh, specEn: skus.specEn, titleZh: products.titleZh, titleEn: products.titleEn })
    .from(skus)
    .innerJoin(products, eq(products.id, skus.productId))
    .where(and(eq(products.merchantId, merchantId), eq(products.status, "on_shelf"), eq(skus.status, "active")))
    .orderBy(asc(products.titleZh), asc(skus.sort))
    .limit(500);
  return rows.map((r) => ({ id: r.id, priceFen: r.priceFen, label: locale === "en" ? `${r.titleEn} · ${r.specEn}` : `${r.titleZh} · ${r.specZh}` }));
}

export type CreateCampaignError = "sku_not_found" | "product_not_on_shelf" | "tier_above_list_price" | "starts_in_past" | "ends_in_past" | "campaign_overlaps";

/**
 * Creates a campaign `pending_review`. Field errors: `skuId` (not the merchant's: sku_not_found;
 * not on sale: product_not_on_shelf; overlapping another live campaign: campaign_overlaps),
 * `tiers[<row>].price` (the first tier at or above the SKU's price), `startsAt`/`endsAt` (window
 * in the past).
 */
export async function createCampaign(
  ctx: AppContext,
  input: { merchantId: string; actorId: string; form: CreateCampaignInput; now?: number },
): Promise<Result<{ id: string }, CreateCampaignError>> {
  const now = input.now ?? Date.now();
  const { form } = input;
  const [sku] = await ctx.db
    .select({ id: skus.id, productId: skus.productId, priceFen: skus.priceFen, skuStatus: skus.status, productStatus: products.status })
    .from(skus)
    .innerJoin(products, eq(products.id, skus.productId))
    .where(and(eq(skus.id, form.skuId), eq(products.merchantId, input.merchantId)))
    .limit(1);
  if (!sku) return fail("sku_not_found", "skuId");
  if (sku.productStatus !== "on_shelf" || sku.skuStatus !== "active") return fail("product_not_on_shelf", "skuId");
  const ladder = checkTiers(form.tiers, sku.priceFen);
  if (!ladder.ok) return fail(ladder.issue.code as CreateCampaignError, ladder.issue.field);
  const clock = checkWindow(form, now);
  if (clock) return fail(clock.code as CreateCampaignError, clock.field);

  const id = newId("gdc");
  const tiers = JSON.stringify(ladder.tiers);
  const [inserted] = await rawBatch(ctx, [
    sql`INSERT INTO group_deal_campaigns
          (id, merchant_id, product_id, sku_id, tiers, duration_minutes, per_user_limit, starts_at, ends_at, leader_only, status, created_by, created_at, updated_at)
        SELECT ${id}, ${input.merchantId}, ${sku.productId}, ${sku.id}, ${tiers}, ${form.durationMinutes}, ${form.perUserLimit}, ${form.startsAt}, ${form.endsAt},
          ${form.leaderOnly ? 1 : 0}, 'pending_review', ${input.actorId}, ${now}, ${now}
        WHERE NOT EXISTS (
          SELECT 1 FROM group_deal_campaigns
          WHERE product_id = ${sku.productId} AND sku_id = ${sku.id} AND status IN (${sql.join(
            HOLDING.map((s) => sql`${s}`),
            sql`, `,
          )})
            AND ends_at > ${now} AND starts_at < ${form.endsAt} AND ends_at > ${form.startsAt})`,
    auditIfChanged(
      ctx,
      {
        actorUserId: input.actorId,
        action: "group_deal.create",
        entityType: "group_deal_campaign",
        entityId: id,
        data: { merchantId: input.merchantId, skuId: sku.id, tiers: ladder.tiers },
      },
      eq(groupDealCampaigns.id, id),
    ),
  ]);
  if (!inserted?.meta.changes) return fail("campaign_overlaps", "skuId");
  return ok({ id });
}

export type CampaignStateError = "campaign_not_found" | "campaign_not_pausable" | "campaign_not_paused";

/**
 * Pauses an approved campaign (no new groups start) or resumes a paused one, while its window
 * lasts. Only the merchant's own campaigns: another's reads as not found.
 */
export async function setCampaignPaused(
  ctx: AppContext,
  input: { merchantId: string; actorId: string; campaignId: string; pause: boolean; now?: number },
): Promise<Result<null, CampaignStateError>> {
  const now = input.now ?? Date.now();
  const c = groupDealCampaigns;
  const mine = and(eq(c.id, input.campaignId), eq(c.merchantId, input.merchantId));
  const [row] = await ctx.db.select({ status: c.status, endsAt: c.endsAt }).from(c).where(mine).limit(1);
  if (!row) return fail("campaign_not_found", "campaignId");
  const from = input.pause ? "approved" : "paused";
  const to = input.pause ? "paused" : "approved";
  const refused = input.pause ? "campaign_not_pausable" : "campaign_not_paused";
  if (row.status !== from || row.endsAt <= now) return fail(refused, "campaignId");
  const entry = {
    actorUserId: input.actorId,
    entityType: "group_deal_campaign",
    entityId: input.campaignId,
    data: { merchantId: input.merchantId },
  };
  const [updated] = await ctx.db.batch([
    ctx.db
      .update(c)
      .set({ status: to, updatedAt: now })
      .where(and(mine, eq(c.status, from), gt(c.endsAt, now)))
      .returning({ id: c.id }),
    auditIfChanged(
      ctx,
      input.pause ? { ...entry, action: "group_deal.pause" } : { ...entry, action: "group_deal.resume" },
      and(mine, eq(c.status, to), eq(c.updatedAt, now)),
    ),
  ]);
  if (updated.length === 0) return fail(refused, "campaignId");
  return ok(null);
}

export const pauseCampaign = (ctx: AppContext, input: { merchantId: string; actorId: string; campaignId: string; now?: number }) =>
  setCampaignPaused(ctx, { ...input, pause: true });
export const resumeCampaign = (ctx: AppContext, input: { merchantId: string; actorId: string; campaignId: string; now?: number }) =>
  setCampaignPaused(ctx, { ...input, pause: false });

// ---------------------------------------------------------------------------------------------
// Admin

export type ReviewCampaignError = "campaign_not_found" | "not_pending" | "campaign_ended" | "reject_reason_required";

/**
 * An admin's decision on a campaign pending review: approve (shoppers may start groups once its
 * window opens) or reject with a reason. A campaign whose window is already over cannot be
 * approved. The merchant's staff get an inbox notice either way.
 */
export async function reviewCampaign(
  ctx: AppContext,
  input: { campaignId: string; actorId: string; decision: "approve" | "reject"; reason?: string; now?: number },
): Promise<Result<null, ReviewCampaignError>> {
  const now = input.now ?? Date.now();
  const approve = input.decision === "approve";
  const reason = input.reason?.trim() ?? "";
  if (!approve && reason.length < 2) return fail("reject_reason_required", "reason");
  const c = groupDealCampaigns;
  const [row] = await ctx.db.select({ status: c.status, endsAt: c.endsAt, merchantId: c.merchantId, skuId: c.skuId }).from(c).where(eq(c.id, input.campaignId)).limit(1);
  if (!row) return fail("campaign_not_found", "campaignId");
  if (row.status !== "pending_review") return fail("not_pending", "campaignId");
  if (approve && row.endsAt <= now) return fail("campaign_ended", "campaignId");
  const to = approve ? "approved" : "rejected";
  const [updated] = await ctx.db.batch([
    ctx.db
      .update(c)
      .set({ status: to, reviewNote: approve ? null : reason, reviewedBy: input.actorId, reviewedAt: now, updatedAt: now })
      .where(and(eq(c.id, input.campaignId), eq(c.status, "pending_review"), approve ? gt(c.endsAt, now) : undefined))
      .returning({ id: c.id }),
    auditIfChanged(
      ctx,
      {
        actorUserId: input.actorId,
        action: approve ? "group_deal.approve" : "group_deal.reject",
        entityType: "group_deal_campaign",
        entityId: input.campaignId,
        data: approve ? { merchantId: row.merchantId, skuId: row.skuId } : { merchantId: row.merchantId, skuId: row.skuId, reason },
      },
      and(eq(c.id, input.campaignId), eq(c.status, to), eq(c.reviewedAt, now), eq(c.reviewedBy, input.actorId)),
    ),
  ]);
  if (updated.length === 0) return fail("not_pending", "campaignId");
  await noticeGroupDealReviewed(ctx, input.campaignId, approve ? { approve: true } : { approve: false, reason });
  return ok(null);
}

// ---------------------------------------------------------------------------------------------
// Lists with success figures

export type CampaignRow = Awaited<ReturnType<typeof listCampaigns>>[number];

/**
 * Campaigns matching `where`, each with its product, SKU, merchant and what its groups did, in one
 * D1 round trip: the page of campaigns, and the group counts of exactly those campaigns (an
 * aggregate over the `(campaign_id, status, deadline_at)` index, never the whole table).
 */
async function listCampaigns(ctx: AppContext, where: SQL | undefined, order: "newest" | "oldest", limit: number, now: number) {
  const c = groupDealCampaigns;
  const orderBy = order === "newest" ? [desc(c.createdAt), desc(c.id)] : [asc(c.createdAt), asc(c.id)];
  const page = ctx.db
    .select({ id: c.id })
    .from(c)
    .where(where)
    .orderBy(...orderBy)
    .limit(limit);
  const [rows, counts] = await ctx.db.batch([
    ctx.db
      .select({
        campaign: c,
        merchantName: merchants.name,
        titleZh: products.titleZh,
        titleEn: products.titleEn,
        unit: products.unit,
        specZh: skus.specZh,
        specEn: skus.specEn,
        listPriceFen: skus.priceFen,
      })
      .from(c)
      .innerJoin(products, eq(products.id, c.productId))
      .innerJoin(skus, eq(skus.id, c.skuId))
      .innerJoin(merchants, eq(merchants.id, c.merchantId))
      .where(where)
      .orderBy(...orderBy)
      .limit(limit),
    ctx.db
      .select({
        campaignId: groupDeals.campaignId,
        started: sql<number>`count(*)`,
        open: sql<number>`coalesce(sum(${groupDeals.status} = 'open'), 0)`,
        succeeded: sql<number>`coalesce(sum(${groupDeals.status} = 'succeeded'), 0)`,
        failed: sql<number>`coalesce(sum(${groupDeals.status} = 'failed'), 0)`,
        membersPaid: sql<number>`coalesce(sum(${groupDeals.paidCount}), 0)`,
      })
      .from(groupDeals)
      .where(inArray(groupDeals.campaignId, page))
      .groupBy(groupDeals.campaignId),
  ]);
  const stats = new Map(
    counts.map((s) => [
      s.campaignId,
      campaignStats({ started: Number(s.started), open: Number(s.open), succeeded: Number(s.succeeded), failed: Number(s.failed), membersPaid: Number(s.membersPaid) }),
    ]),
  );
  return rows.map((r) => view(r.campaign, r, stats.get(r.campaign.id) ?? NO_GROUPS, now));
}

function view(
  c: Campaign,
  names: { merchantName: string; titleZh: string; titleEn: string; unit: string; specZh: string; specEn: string; listPriceFen: number },
  stats: typeof NO_GROUPS,
  now: number,
) {
  return {
    id: c.id,
    merchantId: c.merchantId,
    merchantName: names.merchantName,
    productId: c.productId,
    skuId: c.skuId,
    titleZh: names.titleZh,
    titleEn: names.titleEn,
    unit: names.unit,
    specZh: names.specZh,
    specEn: names.specEn,
    listPriceFen: names.listPriceFen,
    tiers: parseTiers(c.tiers),
    durationMinutes: c.durationMinutes,
    perUserLimit: c.perUserLimit,
    startsAt: c.startsAt,
    endsAt: c.endsAt,
    leaderOnly: c.leaderOnly,
    status: c.status,
    phase: campaignPhase(c, now),
    reviewNote: c.reviewNote,
    reviewedAt: c.reviewedAt,
    createdAt: c.createdAt,
    stats,
  };
}

/** The merchant's campaigns, newest first (their last 100). */
export function listMerchantCampaigns(ctx: AppContext, merchantId: string, now = Date.now()) {
  return listCampaigns(ctx, eq(groupDealCampaigns.merchantId, merchantId), "newest", 100, now);
}

/** What waits for a decision: pending campaigns whose window has not ended, oldest first. */
export function listCampaignReviewQueue(ctx: AppContext, now = Date.now()) {
  return listCampaigns(ctx, and(eq(groupDealCampaigns.status, "pending_review"), gt(groupDealCampaigns.endsAt, now)), "oldest", 100, now);
}

/** Every campaign (or those of one status), newest first (the last 200). */
export function listAllCampaigns(ctx: AppContext, status: CampaignStatusFilter, now = Date.now()) {
  return listCampaigns(ctx, status === "all" ? undefined : eq(groupDealCampaigns.status, status), "newest", 200, now);
}
