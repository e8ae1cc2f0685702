import { and, asc, desc, eq, or, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { DUMMY_PASSWORD_HASH, hashPassword, needsRehash, verifyPassword } from "~/auth/password.server";
import { hitAll, perIpRules, RATE_LIMITS } from "~/auth/rate-limits.server";
import { oauthAccounts, ROLES, sessions, userRoles, users, type Role } from "~/db/schema";
import { decryptField, encryptField, lookupHash, maskEmail, maskPhone } from "~/lib/field-crypto.server";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";
import { normaliseEmail, normalisePhone } from "./schemas";

function defaultName(kind: "phone" | "email", value: string) {
  return kind === "phone" ? `用户${value.slice(-4)}` : value.split("@")[0]!.slice(0, 40);
}

/** After a verified code: the account for that phone/email, created (as a shopper) on first sign-in. */
export async function findOrCreateUserForTarget(
  ctx: AppContext,
  channel: "sms" | "email",
  value: string,
  locale: string,
): Promise<{ userId: string; created: boolean }> {
  const now = Date.now();
  if (channel === "sms") {
    const phone = normalisePhone(value);
    const phoneHash = await lookupHash(ctx.env, "phone", phone);
    const existing = await ctx.db.query.users.findFirst({ where: eq(users.phoneHash, phoneHash), columns: { id: true, phoneVerifiedAt: true } });
    if (existing) {
      if (!existing.phoneVerifiedAt) await ctx.db.update(users).set({ phoneVerifiedAt: now }).where(eq(users.id, existing.id));
      return { userId: existing.id, created: false };
    }
    const id = newId("usr");
    const phoneEnc = await encryptField(ctx.env, "phone", phone);
    await ctx.db.batch([
      ctx.db
        .insert(users)
        .values({ id, displayName: defaultName("phone", phone), phoneEnc, phoneHash, phoneVerifiedAt: now, locale, createdAt: now, updatedAt: now })
        .onConflictDoNothing(),
      ctx.db.insert(userRoles).values({ userId: id, role: "shopper", createdAt: now }).onConflictDoNothing(),
    ]);
    // A concurrent first sign-in may have won the unique phone_hash; read back whichever row exists.
    const row = await ctx.db.query.users.findFirst({ where: eq(users.phoneHash, phoneHash), columns: { id: true } });
    return { userId: row!.id, created: row!.id === id };
  }
  const email = normaliseEmail(value);
  const existing = await ctx.db.query.users.findFirst({ where: eq(users.email, email), columns: { id: true, emailVerifiedAt: true } });
  if (existing) {
    if (!existing.emailVerifiedAt) await ctx.db.update(users).set({ emailVerifiedAt: now }).where(eq(users.id, existing.id));
    return { userId: existing.id, created: false };
  }
  const id = newId("usr");
  await ctx.db.batch([
    ctx.db
      .insert(users)
      .values({ id, displayName: defaultName("email", email), email, emailVerifiedAt: now, locale, createdAt: now, updatedAt: now })
      .onConflictDoNothing(),
    ctx.db.insert(userRoles).values({ userId: id, role: "shopper", createdAt: now }).onConflictDoNothing(),
  ]);
  const row = await ctx.db.query.users.findFirst({ where: eq(users.email, email), columns: { id: true } });
  return { userId: row!.id, created: row!.id === id };
}

export type SignUpError = "email_taken" | "rate_limited";

export async function signUpWithPassword(
  ctx: AppContext,
  input: { displayName: string; email: string; password: string },
  opts: { ip: string; locale: string },
): Promise<Result<{ userId: string }, SignUpError>> {
  const limit = await hitAll(ctx, [[`signup:ip:${opts.ip}`, perIpRules(ctx.env, RATE_LIMITS.signUpPerIp)]]);
  if (!limit.allowed) return fail("rate_limited", "email", limit.retryAfterMs);
  const email = normaliseEmail(input.email);
  const taken = await ctx.db.query.users.findFirst({ where: eq(users.email, email), columns: { id: true } });
  if (taken) return fail("email_taken", "email");
  const now = Date.now();
  const id = newId("usr");
  const passwordHash = await hashPassword(input.password);
  const results = await ctx.db.batch([
    ctx.db
      .insert(users)
      .values({ id, displayName: input.displayName.trim(), email, passwordHash, locale: opts.locale, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning({ id: users.id }),
    ctx.db.insert(userRoles).values({ userId: id, role: "shopper", createdAt: now }).onConflictDoNothing(),
  ]);
  if (results[0].length === 0) return fail("email_taken", "email");
  return ok({ userId: id });
}

export type PasswordSignInError = "credentials_invalid" | "rate_limited" | "account_disabled";

export async function signInWithPassword(
  ctx: AppContext,
  input: { email: string; password: string },
  opts: { ip: string },
): Promise<Result<{ userId: string }, PasswordSignInError>> {
  const email = normaliseEmail(input.email);
  const emailHash = await lookupHash(ctx.env, "email", email);
  const limit = await hitAll(ctx, [
    [`signin:ip:${opts.ip}`, perIpRules(ctx.env, RATE_LIMITS.signInPerIp)],
    [`signin:email:${emailHash}`, RATE_LIMITS.signInPerTarget],
  ]);
  if (!limit.allowed) return fail("rate_limited", "password", limit.retryAfterMs);
  const user = await ctx.db.query.users.findFirst({
    where: eq(users.email, email),
    columns: { id: true, passwordHash: true, status: true },
  });
  const valid = await verifyPassword(user?.passwordHash ?? DUMMY_PASSWORD_HASH, input.password);
  if (!user || !user.passwordHash || !valid) return fail("credentials_invalid", "password");
  if (user.status !== "active") return fail("account_disabled", "email");
  if (needsRehash(user.passwordHash)) {
    await ctx.db.update(users).set({ passwordHash: await hashPassword(input.password) }).where(eq(users.id, user.id));
  }
  return ok({ userId: user.id });
}

export type ChangePasswordError = "credentials_invalid" | "rate_limited" | "password_needs_email";

/**
 * Sets a new password after checking the current one (when there is one). The new hash and the
 * end of every session of the user are one batch: other devices are signed out at once; the
 * caller starts a fresh session for this device.
 */
export async function changePassword(
  ctx: AppContext,
  userId: string,
  input: { currentPassword?: string; newPassword: string },
  opts: { ip: string },
): Promise<Result<null, ChangePasswordError>> {
  const limit = await hitAll(ctx, [[`password-change:${userId}`, RATE_LIMITS.signInPerTarget]]);
  if (!limit.allowed) return fail("rate_limited", "currentPassword", limit.retryAfterMs);
  const user = await ctx.db.query.users.findFirst({ where: eq(users.id, userId), columns: { passwordHash: true, email: true } });
  if (!user) return fail("credentials_invalid", "currentPassword");
  if (!user.email) return fail("password_needs_email", "newPassword");
  if (user.passwordHash && !(await verifyPassword(user.passwordHash, input.currentPassword ?? ""))) {
    return fail("credentials_invalid", "currentPassword");
  }
  const now = Date.now();
  await ctx.db.batch([
    ctx.db.update(users).set({ passwordHash: await hashPassword(input.newPassword), updatedAt: now }).where(eq(users.id, userId)),
    ctx.db.delete(sessions).where(eq(sessions.userId, userId)),
    auditStatement(ctx, { actorUserId: userId, action: "user.password.change", entityType: "user", entityId: userId }),
  ]);
  return ok(null);
}

/** Ends every session of the user, on every device, and records it. */
export async function signOutEverywhere(ctx: AppContext, userId: string): Promise<void> {
  await ctx.db.batch([
    ctx.db.delete(sessions).where(eq(sessions.userId, userId)),
    auditStatement(ctx, { actorUserId: userId, action: "user.sessions.end-all", entityType: "user", entityId: userId }),
  ]);
}

export async function findOrCreateUserForOAuth(
  ctx: AppContext,
  profile: { provider: "oidc" | "wechat"; subject: string; email?: string; emailVerified?: boolean; name?: string; avatarUrl?: string },
  locale: string,
): Promise<{ userId: string; created: boolean }> {
  const linked = await ctx.db.query.oauthAccounts.findFirst({
    where: and(eq(oauthAccounts.provider, profile.provider), eq(oauthAccounts.providerUserId, profile.subject)),
  });
  if (linked) return { userId: linked.userId, created: false };
  const now = Date.now();
  // Link to an existing account only through an email the provider vouches for.
  const email = profile.email && profile.emailVerified ? normaliseEmail(profile.email) : undefined;
  const byEmail = email ? await ctx.db.query.users.findFirst({ where: eq(users.email, email), columns: { id: true } }) : undefined;
  if (byEmail) {
    await ctx.db
      .insert(oauthAccounts)
      .values({ provider: profile.provider, providerUserId: profile.subject, userId: byEmail.id, createdAt: now })
      .onConflictDoNothing();
    return { userId: byEmail.id, created: false };
  }
  const id = newId("usr");
  await ctx.db.batch([
    ctx.db.insert(users).values({
      id,
      displayName: (profile.name?.trim() || (email ? email.split("@")[0]! : "微信用户")).slice(0, 40),
      email: email ?? null,
      emailVerifiedAt: email ? now : null,
      avatarUrl: profile.avatarUrl?.startsWith("https://") ? profile.avatarUrl : null,
      locale,
      createdAt: now,
      updatedAt: now,
    }),
    ctx.db.insert(userRoles).values({ userId: id, role: "shopper", createdAt: now }),
    ctx.db.insert(oauthAccounts).values({ provider: profile.provider, providerUserId: profile.subject, userId: id, createdAt: now }),
  ]);
  return { userId: id, created: true };
}

export interface UserProfile {
  id: string;
  hasPassword: boolean;
  displayName: string;
  email: string | null;
  emailMasked: string | null;
  phoneMasked: string | null;
  locale: string;
  status: "active" | "disabled";
  roles: Role[];
  createdAt: number;
}

export async function getUserProfile(ctx: AppContext, userId: string): Promise<UserProfile | null> {
  const user = await ctx.db.query.users.findFirst({ where: eq(users.id, userId) });
  if (!user) return null;
  const roles = await ctx.db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId));
  return {
    id: user.id,
    hasPassword: user.passwordHash !== null,
    displayName: user.displayName,
    email: user.email,
    emailMasked: user.email ? maskEmail(user.email) : null,
    phoneMasked: user.phoneEnc ? maskPhone(await decryptField(ctx.env, "phone", user.phoneEnc)) : null,
    locale: user.locale,
    status: user.status,
    roles: roles.map((r) => r.role).sort((a, b) => ROLES.indexOf(a) - ROLES.indexOf(b)),
    createdAt: user.createdAt,
  };
}

export async function setUserLocale(ctx: AppContext, userId: string, locale: string) {
  await ctx.db.update(users).set({ locale, updatedAt: Date.now() }).where(eq(users.id, userId));
}

export interface UserListRow {
  id: string;
  displayName: string;
  email: string | null;
  phoneMasked: string | null;
  status: "active" | "disabled";
  roles: Role[];
  createdAt: number;
}

/** Admin search by exact phone, email (prefix) or name (substring); newest first, paged. */
export async function searchUsers(
  ctx: AppContext,
  query: { q?: string; role?: Role; page: number; pageSize: number },
): Promise<{ rows: UserListRow[]; total: number }> {
  const q = query.q?.trim();
  const conditions = [];
  if (q) {
    const digits = normalisePhone(q);
    const byPhone = /^1[3-9]\d{9}$/.test(digits) ? eq(users.phoneHash, await lookupHash(ctx.env, "phone", digits)) : undefined;
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      or(
        ...(byPhone ? [byPhone] : []),
        sql`${users.email} LIKE ${normaliseEmail(q).replace(/[\\%_]/g, (c) => `\\${c}`) + "%"} ESCAPE '\\'`,
        sql`${users.displayName} LIKE ${pattern} ESCAPE '\\'`,
        eq(users.id, q),
      ),
    );
  }
  if (query.role) {
    conditions.push(sql`EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = "users"."id" AND r.role = ${query.role})`);
  }
  const where = conditions.length ? and(...conditions) : undefined;
  const [rows, [count]] = await Promise.all([
    ctx.db
      .select({
        id: users.id,
        displayName: users.displayName,
        email: users.email,
        phoneEnc: users.phoneEnc,
        status: users.status,
        createdAt: users.createdAt,
        roles: sql<string | null>`(SELECT group_concat(role) FROM user_roles r WHERE r.user_id = "users"."id")`,
      })
      .from(users)
      .where(where)
      .orderBy(desc(users.createdAt), asc(users.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    ctx.db.select({ n: sql<number>`count(*)` }).from(users).where(where),
  ]);
  return {
    total: count?.n ?? 0,
    rows: await Promise.all(
      rows.map(async (r) => ({
        id: r.id,
        displayName: r.displayName,
        email: r.email,
        phoneMasked: r.phoneEnc ? maskPhone(await decryptField(ctx.env, "phone", r.phoneEnc)) : null,
        status: r.status,
        createdAt: r.createdAt,
        roles: ((r.roles ?? "").split(",").filter(Boolean) as Role[]).sort((a, b) => ROLES.indexOf(a) - ROLES.indexOf(b)),
      })),
    ),
  };
}

/** Whether the account exists and is active (not disabled). */
export async function isUserActive(ctx: AppContext, userId: string): Promise<boolean> {
  const account = await ctx.db.query.users.findFirst({ where: eq(users.id, userId), columns: { status: true } });
  return account?.status === "active";
}
