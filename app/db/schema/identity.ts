import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ROLES, type Role } from "../../modules/identity/roles";

/** People. Phone numbers are encrypted (phone_enc) with a keyed hash (phone_hash) for exact lookup. */
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    displayName: text("display_name").notNull(),
    email: text("email"), // lower-cased
    emailVerifiedAt: integer("email_verified_at"),
    phoneEnc: text("phone_enc"),
    phoneHash: text("phone_hash"),
    phoneVerifiedAt: integer("phone_verified_at"),
    passwordHash: text("password_hash"),
    avatarUrl: text("avatar_url"),
    locale: text("locale").notNull().default("zh-CN"),
    /** "MM-DD" (the year is never asked): the birthday gift's day. */
    birthday: text("birthday"),
    status: text("status", { enum: ["active", "disabled"] }).notNull().default("active"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("users_email_uq").on(t.email),
    uniqueIndex("users_phone_hash_uq").on(t.phoneHash),
    index("users_display_name_idx").on(t.displayName),
    index("users_created_at_idx").on(t.createdAt),
    index("users_birthday_idx").on(t.birthday),
  ],
);

export { ROLES, type Role };

export const userRoles = sqliteTable(
  "user_roles",
  {
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
    grantedBy: text("granted_by"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.role] }), index("user_roles_role_idx").on(t.role)],
);

/** Sessions: the id column holds SHA-256(token); the token itself only lives in the cookie. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at").notNull(), // epoch seconds (lucia's unit)
    createdAt: integer("created_at").notNull(),
    kind: text("kind", { enum: ["cookie", "bearer"] }).notNull().default("cookie"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

/** One-time sign-in codes sent by SMS or email; only an HMAC of the code is stored. */
export const signInCodes = sqliteTable(
  "sign_in_codes",
  {
    id: text("id").primaryKey(),
    channel: text("channel", { enum: ["sms", "email"] }).notNull(),
    targetHash: text("target_hash").notNull(),
    codeHash: text("code_hash").notNull(),
    attempts: integer("attempts").notNull().default(0),
    expiresAt: integer("expires_at").notNull(),
    consumedAt: integer("consumed_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("sign_in_codes_target_idx").on(t.targetHash, t.createdAt),
    index("sign_in_codes_expires_idx").on(t.expiresAt),
  ],
);

export const oauthAccounts = sqliteTable(
  "oauth_accounts",
  {
    provider: text("provider", { enum: ["oidc", "wechat"] }).notNull(),
    providerUserId: text("provider_user_id").notNull(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerUserId] }), index("oauth_accounts_user_idx").on(t.userId)],
);

/** Messages handed to the SMS/email provider. The dev outbox page reads this table (development only). */
export const outboxMessages = sqliteTable(
  "outbox_messages",
  {
    id: text("id").primaryKey(),
    channel: text("channel", { enum: ["sms", "email"] }).notNull(),
    recipient: text("recipient").notNull(),
    subject: text("subject"),
    body: text("body").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("outbox_created_idx").on(t.createdAt)],
);

export const addresses = sqliteTable(
  "addresses",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    recipientName: text("recipient_name").notNull(),
    phoneEnc: text("phone_enc").notNull(),
    region: text("region").notNull(), // province/city/district, shown unmasked
    detailEnc: text("detail_enc").notNull(), // street address, encrypted
    isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("addresses_user_idx").on(t.userId)],
);

