import { sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import type { ShareRefusalReason } from "~/db/schema/share";
import { getSettings } from "~/modules/settings/settings.server";
import { maskName } from "./rules";

const LIST_MAX = 50;

export interface SharedLinkView {
  path: string;
  kind: "product" | "group";
  title: string;
  visits: number;
  createdAt: number;
}

export interface FriendPurchaseView {
  /** A stable, meaningless key for the list (never the order id). */
  key: string;
  friend: string;
  at: number;
  state: "pending" | "cancelled" | "rewarded" | "refused";
  reason: ShareRefusalReason | null;
  reward: { kind: "points" | "coupon"; points: number | null; fallback: boolean } | null;
}

/**
 * The sharer's "my shares" page: the links they shared (with visits), the friends who bought
 * through them (a masked name only, never who they are or what they bought) with the reward given
 * or why not, and the totals.
 */
export async function getMyShares(ctx: AppContext, userId: string, locale: string) {
  const en = locale === "en";
  const [links, purchases, totals, settings] = await Promise.all([
    ctx.db.all<{ path: string; visits: number; created_at: number; title: string | null }>(
      sql`SELECT l.path, l.visits, l.created_at,
          CASE WHEN l.path LIKE '/products/%' THEN (SELECT ${sql.raw(en ? "title_en" : "title_zh")} FROM products WHERE id = substr(l.path, 11))
               ELSE (SELECT ${sql.raw(en ? "p.title_en" : "p.title_zh")} FROM group_deals g JOIN group_deal_campaigns c ON c.id = g.campaign_id JOIN products p ON p.id = c.product_id WHERE g.id = substr(l.path, 9)) END AS title
        FROM share_links l WHERE l.user_id = ${userId} ORDER BY l.created_at DESC LIMIT ${LIST_MAX}`,
    ),
    ctx.db.all<{ id: string; display_name: string; created_at: number; status: string; c_status: string | null; reason: ShareRefusalReason | null; reward_kind: "points" | "coupon" | null; points: number | null; coupon_fallback: number | null; c_at: number | null }>(
      sql`SELECT o.id, u.display_name, o.created_at, o.status, c.status AS c_status, c.reason, c.reward_kind, c.points, c.coupon_fallback, c.created_at AS c_at
        FROM orders o JOIN users u ON u.id = o.user_id LEFT JOIN share_conversions c ON c.order_id = o.id
        WHERE o.sharer_user_id = ${userId} AND (o.status <> 'pending_payment' OR c.id IS NOT NULL)
        ORDER BY o.created_at DESC LIMIT ${LIST_MAX}`,
    ),
    ctx.db.all<{ points: number | null; coupons: number; rewarded: number }>(
      sql`SELECT sum(CASE WHEN reward_kind = 'points' THEN points END) AS points, sum(reward_kind = 'coupon') AS coupons, count(*) AS rewarded
        FROM share_conversions WHERE sharer_user_id = ${userId} AND status = 'rewarded'`,
    ),
    getSettings(ctx, ["share.reward"]),
  ]);
  const friends: FriendPurchaseView[] = purchases.map((p, i) => {
    const state: FriendPurchaseView["state"] = p.c_status === "rewarded" ? "rewarded" : p.c_status === "refused" ? "refused" : ["cancelled", "refunded", "refunding"].includes(p.status) ? "cancelled" : "pending";
    return {
      key: `${i}-${p.created_at}`,
      friend: maskName(p.display_name),
      at: Number(p.c_at ?? p.created_at),
      state,
      reason: p.reason,
      reward: p.c_status === "rewarded" && p.reward_kind ? { kind: p.reward_kind, points: p.points === null ? null : Number(p.points), fallback: Number(p.coupon_fallback) === 1 } : null,
    };
  });
  const t = totals[0];
  return {
    links: links.map<SharedLinkView>((l) => ({ path: l.path, kind: l.path.startsWith("/groups/") ? "group" : "product", title: l.title ?? l.path, visits: Number(l.visits), createdAt: Number(l.created_at) })),
    friends,
    totals: { points: Number(t?.points ?? 0), coupons: Number(t?.coupons ?? 0), rewarded: Number(t?.rewarded ?? 0) },
    reward: settings["share.reward"],
  };
}
