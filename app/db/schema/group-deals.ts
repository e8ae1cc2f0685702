import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./identity";
import { orders } from "./orders";
import { GROUP_CAMPAIGN_STATUSES } from "../enums";

export { GROUP_CAMPAIGN_STATUSES };
export const GROUP_DEAL_STATUSES = ["open", "succeeded", "failed"] as const;
/** pending = order placed, not paid yet (holds a seat until it is paid or expires); paid; left = order cancelled or expired. */
export const GROUP_MEMBER_STATUSES = ["pending", "paid", "left"] as const;

/**
 * Group-deal campaigns (拼团活动, SPEC §2 and §6): a merchant offers one SKU at prices that fall as
 * more people join one group. `tiers` is JSON `[{ size, unitPriceFen }]`, sizes strictly
 * increasing and prices strictly decreasing (app/modules/group-deals/tiers.ts). An admin approves
 * a campaign before shoppers see it. `leader_only` keeps each group to the members of the pickup
 * point its starter collects at. `per_user_limit` caps the units one user holds across the
 * campaign's live groups (a trigger enforces it on `group_deal_members`).
 */
export const groupDealCampaigns = sqliteTable(
  "group_deal_campaigns",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    productId: text("product_id").notNull(),
    skuId: text("sku_id").notNull(),
    tiers: text("tiers").notNull(),
    durationMinutes: integer("duration_minutes").notNull(),
    perUserLimit: integer("per_user_limit").notNull(),
    startsAt: integer("starts_at").notNull(),
    endsAt: integer("ends_at").notNull(),
    leaderOnly: integer("leader_only", { mode: "boolean" }).notNull().default(false),
    status: text("status", { enum: GROUP_CAMPAIGN_STATUSES }).notNull(),
    reviewNote: text("review_note"),
    reviewedBy: text("reviewed_by"),
    reviewedAt: integer("reviewed_at"),
    createdBy: text("created_by").notNull().references(() => users.id),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("group_deal_campaigns_merchant_idx").on(t.merchantId, t.createdAt),
    index("group_deal_campaigns_status_idx").on(t.status, t.endsAt),
    index("group_deal_campaigns_product_idx").on(t.productId, t.status),
  ],
);

/**
 * One group (团) of a campaign: D1 is its record; the `GroupDealRoom` Durable Object named by its
 * id holds the seats and the deadline alarm, and can be rebuilt from these rows. `tiers` is the
 * campaign's tiers as they were when the group started; `capacity` is the top tier's size.
 * `paid_count` moves in the same batch as each member's payment. At the close, `reached_size`
 * and `final_unit_price_fen` record the tier everyone is charged (null when the group failed).
 */
export const groupDeals = sqliteTable(
  "group_deals",
  {
    id: text("id").primaryKey(),
    campaignId: text("campaign_id").notNull().references(() => groupDealCampaigns.id),
    merchantId: text("merchant_id").notNull(),
    productId: text("product_id").notNull(),
    skuId: text("sku_id").notNull(),
    starterUserId: text("starter_user_id").notNull().references(() => users.id),
    /** The starter's pickup point (the only point allowed to join a leader-only group). */
    pickupPointId: text("pickup_point_id").notNull(),
    leaderOnly: integer("leader_only", { mode: "boolean" }).notNull().default(false),
    tiers: text("tiers").notNull(),
    capacity: integer("capacity").notNull(),
    status: text("status", { enum: GROUP_DEAL_STATUSES }).notNull(),
    deadlineAt: integer("deadline_at").notNull(),
    paidCount: integer("paid_count").notNull().default(0),
    reachedSize: integer("reached_size"),
    finalUnitPriceFen: integer("final_unit_price_fen"),
    closedAt: integer("closed_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("group_deals_campaign_idx").on(t.campaignId, t.status, t.deadlineAt),
    index("group_deals_status_deadline_idx").on(t.status, t.deadlineAt),
    index("group_deals_product_idx").on(t.productId, t.status, t.deadlineAt),
    index("group_deals_merchant_idx").on(t.merchantId, t.createdAt),
  ],
);

/**
 * A member of a group: one order each. A user is a live member (pending or paid) of a group at
 * most once (partial unique index). `invited_by` is the member whose link brought them (share
 * attribution), the order's `referral_point_id` the leader's.
 */
export const groupDealMembers = sqliteTable(
  "group_deal_members",
  {
    id: text("id").primaryKey(),
    groupId: text("group_id").notNull().references(() => groupDeals.id),
    campaignId: text("campaign_id").notNull(),
    userId: text("user_id").notNull().references(() => users.id),
    orderId: text("order_id").notNull().references(() => orders.id),
    quantity: integer("quantity").notNull(),
    status: text("status", { enum: GROUP_MEMBER_STATUSES }).notNull(),
    invitedBy: text("invited_by"),
    joinedAt: integer("joined_at").notNull(),
    paidAt: integer("paid_at"),
    leftAt: integer("left_at"),
  },
  (t) => [
    uniqueIndex("group_deal_members_live_uq").on(t.groupId, t.userId).where(sql`status <> 'left'`),
    uniqueIndex("group_deal_members_order_uq").on(t.orderId),
    index("group_deal_members_group_idx").on(t.groupId, t.joinedAt),
    index("group_deal_members_user_idx").on(t.userId, t.joinedAt),
    index("group_deal_members_campaign_user_idx").on(t.campaignId, t.userId, t.status),
  ],
);
