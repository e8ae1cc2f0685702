import { and, asc, eq, gt, lte, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { groupDealCampaigns, groupDeals, pickupPoints, products, skus } from "~/db/schema";
import { imageUrl } from "~/modules/catalog/queries.server";
import { parseTiers, type GroupTier } from "./tiers";

/**
 * Reads for the shopper's group-deal pages and the leader's promotion page that the core module
 * (groups.server.ts) does not answer. Reads only: every join, start and close goes through
 * groups.server.ts. Nothing here depends on the room (a Durable Object), so modules tested in
 * Node (the leader's posters) can import it; the pages' glue around joining is ./pages.server.ts.
 */

export interface GroupPageFacts {
  /** Units one shopper may hold across the campaign's groups (the join form's maximum). */
  perUserLimit: number;
  /** The group's pickup point. */
  pointId: string;
  /** Its leader's invite code while the point is active (share links go through /r/<code>), else null. */
  inviteCode: string | null;
}

/** What the group page needs beyond getGroupView: the campaign's per-user limit and the point's invite code. */
export async function getGroupPageFacts(ctx: AppContext, groupId: string): Promise<GroupPageFacts | null> {
  const [row] = await ctx.db
    .select({ perUserLimit: groupDealCampaigns.perUserLimit, pointId: pickupPoints.id, pointStatus: pickupPoints.status, inviteCode: pickupPoints.inviteCode })
    .from(groupDeals)
    .innerJoin(groupDealCampaigns, eq(groupDealCampaigns.id, groupDeals.campaignId))
    .innerJoin(pickupPoints, eq(pickupPoints.id, groupDeals.pickupPointId))
    .where(eq(groupDeals.id, groupId));
  if (!row) return null;
  return { perUserLimit: row.perUserLimit, pointId: row.pointId, inviteCode: row.pointStatus === "active" ? row.inviteCode : null };
}

export interface LiveCampaignCard {
  id: string;
  productId: string;
  title: string;
  spec: string;
  tiers: GroupTier[];
  listPriceFen: number;
  imageUrl: string | null;
  leaderOnly: boolean;
  endsAt: number;
}

/**
 * Campaigns shoppers can start groups of now (approved, inside their window, product on the shelf),
 * ending soonest first: what a leader can promote. At most `limit`.
 */
export async function listLiveCampaigns(ctx: AppContext, locale: string, limit = 20, now = Date.now(), campaignId?: string): Promise<LiveCampaignCard[]> {
  const en = locale === "en";
  const rows = await ctx.db
    .select({
      id: groupDealCampaigns.id,
      productId: groupDealCampaigns.productId,
      tiers: groupDealCampaigns.tiers,
      leaderOnly: groupDealCampaigns.leaderOnly,
      endsAt: groupDealCampaigns.endsAt,
      titleZh: products.titleZh,
      titleEn: products.titleEn,
      specZh: skus.specZh,
      specEn: skus.specEn,
      priceFen: skus.priceFen,
      image: sql<string | null>`(SELECT i.r2_key FROM product_images i WHERE i.product_id = ${products.id} ORDER BY i.sort LIMIT 1)`,
    })
    .from(groupDealCampaigns)
    .innerJoin(products, eq(products.id, groupDealCampaigns.productId))
    .innerJoin(skus, eq(skus.id, groupDealCampaigns.skuId))
    .where(
      and(
        eq(groupDealCampaigns.status, "approved"),
        lte(groupDealCampaigns.startsAt, now),
        gt(groupDealCampaigns.endsAt, now),
        eq(products.status, "on_shelf"),
        campaignId ? eq(groupDealCampaigns.id, campaignId) : undefined,
      ),
    )
    .orderBy(asc(groupDealCampaigns.endsAt))
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    productId: r.productId,
    title: en ? r.titleEn : r.titleZh,
    spec: en ? r.specEn : r.specZh,
    tiers: parseTiers(r.tiers),
    listPriceFen: r.priceFen,
    imageUrl: imageUrl(r.image),
    leaderOnly: r.leaderOnly,
    endsAt: r.endsAt,
  }));
}

/** One live campaign as a card (for its poster), or null when it is not live now. */
export async function getLiveCampaignCard(ctx: AppContext, campaignId: string, locale: string, now = Date.now()): Promise<LiveCampaignCard | null> {
  const [card] = await listLiveCampaigns(ctx, locale, 1, now, campaignId);
  return card ?? null;
}
