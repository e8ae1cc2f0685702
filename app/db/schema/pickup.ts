import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./identity";

/**
 * Pickup points (自提点), each run by one leader. The street address and the contact phone are
 * encrypted; `area` (community / district) stays plain for search and listing.
 * `hours` is JSON: { "open": "08:00", "close": "21:00", "days": [1..7] } in Asia/Shanghai.
 * `door_delivery`: the leader also takes orders to shoppers' doors (free), besides the pickup.
 * A leader application is a `pending` pickup point of the applicant; approval makes it `active` and
 * grants the leader role, rejection keeps the reason (the applicant may correct and re-apply).
 */
export const pickupPoints = sqliteTable(
  "pickup_points",
  {
    id: text("id").primaryKey(),
    leaderUserId: text("leader_user_id").notNull().references(() => users.id),
    name: text("name").notNull(),
    area: text("area").notNull(),
    addressEnc: text("address_enc").notNull(),
    contactPhoneEnc: text("contact_phone_enc").notNull(),
    lat: real("lat").notNull(),
    lng: real("lng").notNull(),
    hours: text("hours").notNull(),
    doorDelivery: integer("door_delivery", { mode: "boolean" }).notNull().default(false),
    status: text("status", { enum: ["pending", "active", "suspended", "rejected"] }).notNull(),
    rejectReason: text("reject_reason"),
    /** The leader's invite code (8 characters): a resident who joins through it is bound to this point. */
    inviteCode: text("invite_code"),
    /** R2 key (private) of the applicant's ID or store-front photo, for the admin's review. */
    photoKey: text("photo_key"),
    reviewedBy: text("reviewed_by"),
    reviewedAt: integer("reviewed_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("pickup_points_leader_idx").on(t.leaderUserId),
    index("pickup_points_status_idx").on(t.status, t.lat, t.lng),
    index("pickup_points_name_idx").on(t.name),
    uniqueIndex("pickup_points_invite_code_uq").on(t.inviteCode),
  ],
);
