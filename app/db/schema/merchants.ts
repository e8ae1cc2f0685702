import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./identity";

/** Suppliers. The business-licence number and contact phone are encrypted; licence_no_hash finds duplicates. */
export const merchants = sqliteTable(
  "merchants",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    companyName: text("company_name").notNull(),
    licenceNoEnc: text("licence_no_enc").notNull(),
    licenceNoHash: text("licence_no_hash").notNull(),
    licenceImageKey: text("licence_image_key"),
    contactName: text("contact_name").notNull(),
    contactPhoneEnc: text("contact_phone_enc").notNull(),
    description: text("description"),
    status: text("status", { enum: ["pending", "approved", "rejected", "suspended"] }).notNull(),
    rejectReason: text("reject_reason"),
    createdBy: text("created_by").notNull().references(() => users.id),
    reviewedBy: text("reviewed_by"),
    reviewedAt: integer("reviewed_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("merchants_licence_hash_uq").on(t.licenceNoHash),
    index("merchants_status_idx").on(t.status, t.createdAt),
    index("merchants_created_by_idx").on(t.createdBy),
  ],
);

export const merchantStaff = sqliteTable(
  "merchant_staff",
  {
    merchantId: text("merchant_id").notNull().references(() => merchants.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    staffRole: text("staff_role", { enum: ["owner", "staff"] }).notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.userId] }), index("merchant_staff_user_idx").on(t.userId)],
);
