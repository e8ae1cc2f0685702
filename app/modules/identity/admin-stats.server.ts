import { sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";

/** Counts for the admin home. */
export async function getPlatformCounts(ctx: AppContext) {
  const row = await ctx.db.get<{
    users: number;
    leaders: number;
    merchants: number;
    pending_merchants: number;
    pending_points: number;
    products: number;
    pending_products: number;
  }>(sql`SELECT
      (SELECT count(*) FROM users) AS users,
      (SELECT count(*) FROM user_roles WHERE role = 'leader') AS leaders,
      (SELECT count(*) FROM merchants WHERE status = 'approved') AS merchants,
      (SELECT count(*) FROM merchants WHERE status = 'pending') AS pending_merchants,
      (SELECT count(*) FROM pickup_points WHERE status = 'pending') AS pending_points,
      (SELECT count(*) FROM products WHERE status = 'on_shelf') AS products,
      (SELECT count(*) FROM products WHERE status = 'pending_review') AS pending_products`);
  return {
    users: row.users,
    leaders: row.leaders,
    merchants: row.merchants,
    pendingMerchants: row.pending_merchants,
    pendingPoints: row.pending_points,
    products: row.products,
    pendingProducts: row.pending_products,
  };
}

/** What waits for a reviewer, per queue (the admin navigation shows these as badges); withdrawals and dead letters wait for finance. */
export async function getReviewQueueCounts(
  ctx: AppContext,
): Promise<{ merchants: number; leaders: number; products: number; groupDeals: number; flashSales: number; withdrawals: number; deadLetters: number }> {
  // Group-deal campaigns and flash sales wait only while their window lasts (an ended one can no longer be approved).
  const row = await ctx.db.get<{ merchants: number; leaders: number; products: number; group_deals: number; flash_sales: number; withdrawals: number; dead_letters: number }>(sql`SELECT
      (SELECT count(*) FROM merchants WHERE status = 'pending') AS merchants,
      (SELECT count(*) FROM pickup_points WHERE status = 'pending') AS leaders,
      (SELECT count(*) FROM products WHERE status = 'pending_review') AS products,
      (SELECT count(*) FROM group_deal_campaigns WHERE status = 'pending_review' AND ends_at > ${Date.now()}) AS group_deals,
      (SELECT count(*) FROM flash_sales WHERE status = 'pending_review' AND ends_at > ${Date.now()}) AS flash_sales,
      (SELECT count(*) FROM withdrawals WHERE status = 'requested') AS withdrawals,
      (SELECT count(*) FROM dead_letters WHERE redriven_at IS NULL) AS dead_letters`);
  return {
    merchants: Number(row.merchants),
    leaders: Number(row.leaders),
    products: Number(row.products),
    groupDeals: Number(row.group_deals),
    flashSales: Number(row.flash_sales),
    withdrawals: Number(row.withdrawals),
    deadLetters: Number(row.dead_letters),
  };
}
