import { and, asc, desc, eq, gt, isNull, notExists, or, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { merchantInvitations, merchants, merchantStaff, userRoles, users } from "~/db/schema";
import { sha256Hex, toBase64Url } from "~/lib/encoding";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";
import { INVITATION_TTL_MS } from "./onboarding-schemas";

/**
 * Staff invitations (a one-time link; only SHA-256 of its token is stored) and the staff list.
 * Every function takes the caller's merchant id, so a merchant only ever reads or changes its own rows.
 */

export type InvitationStatus = "pending" | "accepted" | "revoked" | "expired";

export function invitationStatus(
  row: {
    acceptedAt: number | null;
    revokedAt: number | null;
    expiresAt: number;
  },
  now: number,
): InvitationStatus {
  if (row.acceptedAt !== null) return "accepted";
  if (row.revokedAt !== null) return "revoked";
  return row.expiresAt <= now ? "expired" : "pending";
}

/** Tokens are 32 random bytes (base64url); a malformed one is never looked up. */
export const INVITATION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export async function listStaff(ctx: AppContext, merchantId: string) {
  return ctx.db
    .select({
      userId: merchantStaff.userId,
      staffRole: merchantStaff.staffRole,
      displayName: users.displayName,
      since: merchantStaff.createdAt,
    })
    .from(merchantStaff)
    .innerJoin(users, eq(users.id, merchantStaff.userId))
    .where(eq(merchantStaff.merchantId, merchantId))
    .orderBy(asc(merchantStaff.createdAt));
}

export async function listInvitations(ctx: AppContext, merchantId: string, now = Date.now()) {
  const rows = await ctx.db
    .select({
      id: merchantInvitations.id,
      note: merchantInvitations.note,
      expiresAt: merchantInvitations.expiresAt,
      acceptedAt: merchantInvitations.acceptedAt,
      revokedAt: merchantInvitations.revokedAt,
      createdAt: merchantInvitations.createdAt,
      acceptedByName: users.displayName,
    })
    .from(merchantInvitations)
    .leftJoin(users, eq(users.id, merchantInvitations.acceptedBy))
    .where(eq(merchantInvitations.merchantId, merchantId))
    .orderBy(desc(merchantInvitations.createdAt))
    .limit(50);
  return rows.map((r) => ({ ...r, status: invitationStatus(r, now) }));
}

/** A new invitation; the token is returned once (for the link) and never stored. */
export async function createInvitation(ctx: AppContext, input: { merchantId: string; invitedBy: string; note?: string }) {
  const token = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const now = Date.now();
  const id = newId("mvi");
  await ctx.db.batch([
    ctx.db.insert(merchantInvitations).values({
      id,
      merchantId: input.merchantId,
      tokenHash: await sha256Hex(token),
      note: input.note || null,
      invitedBy: input.invitedBy,
      expiresAt: now + INVITATION_TTL_MS,
      createdAt: now,
    }),
    auditStatement(ctx, {
      actorUserId: input.invitedBy,
      action: "merchant.invitation.create",
      entityType: "merchant",
      entityId: input.merchantId,
      data: { invitationId: id },
    }),
  ]);
  return { id, token, expiresAt: now + INVITATION_TTL_MS };
}

export type RevokeError = "invitation_not_found" | "invitation_closed";

export async function revokeInvitation(
  ctx: AppContext,
  input: { merchantId: string; invitationId: string; actorId: string },
): Promise<Result<null, RevokeError>> {
  const row = await ctx.db.query.merchantInvitations.findFirst({
    where: and(eq(merchantInvitations.id, input.invitationId), eq(merchantInvitations.merchantId, input.merchantId)),
  });
  if (!row) return fail("invitation_not_found", "invitationId");
  const now = Date.now();
  if (invitationStatus(row, now) !== "pending") return fail("invitation_closed", "invitationId");
  const [updated] = await ctx.db.batch([
    ctx.db
      .update(merchantInvitations)
      .set({ revokedAt: now })
      .where(and(eq(merchantInvitations.id, row.id), isNull(merchantInvitations.acceptedAt), isNull(merchantInvitations.revokedAt)))
      .returning({ id: merchantInvitations.id }),
    auditStatement(ctx, {
      actorUserId: input.actorId,
      action: "merchant.invitation.revoke",
      entityType: "merchant",
      entityId: input.merchantId,
      data: { invitationId: row.id },
    }),
  ]);
  return updated.length ? ok(null) : fail("invitation_closed", "invitationId");
}

export type InvitationLookupError = "invitation_not_found" | "invitation_expired" | "invitation_used" | "invitation_revoked";

function lookupError(status: InvitationStatus): InvitationLookupError | null {
  if (status === "accepted") return "invitation_used";
  if (status === "revoked") return "invitation_revoked";
  if (status === "expired") return "invitation_expired";
  return null;
}

/** What the join page shows for a token: the store that invites, or why the link no longer works. */
export async function findInvitation(
  ctx: AppContext,
  token: string,
): Promise<Result<{ id: string; merchantId: string; storeName: string; expiresAt: number }, InvitationLookupError>> {
  if (!INVITATION_TOKEN_PATTERN.test(token)) return fail("invitation_not_found");
  const [row] = await ctx.db
    .select({
      invitation: merchantInvitations,
      storeName: merchants.name,
      merchantStatus: merchants.status,
    })
    .from(merchantInvitations)
    .innerJoin(merchants, eq(merchants.id, merchantInvitations.merchantId))
    .where(eq(merchantInvitations.tokenHash, await sha256Hex(token)))
    .limit(1);
  if (!row || row.merchantStatus !== "approved") return fail("invitation_not_found");
  const error = lookupError(invitationStatus(row.invitation, Date.now()));
  if (error) return fail(error);
  return ok({
    id: row.invitation.id,
    merchantId: row.invitation.merchantId,
    storeName: row.storeName,
    expiresAt: row.invitation.expiresAt,
  });
}

export type AcceptError = InvitationLookupError | "already_staff";

/**
 * Accepts an invitation in one batch: the invitation is marked used only if still open, and the
 * role and staff row are written only for the invitation this user just took (INSERT … SELECT).
 */
export async function acceptInvitation(ctx: AppContext, input: { token: string; userId: string }): Promise<Result<{ merchantId: string }, AcceptError>> {
  const found = await findInvitation(ctx, input.token);
  if (!found.ok) return found;
  const inv = found.value;
  const staffAlready = await ctx.db.query.merchantStaff.findFirst({
    where: eq(merchantStaff.userId, input.userId),
    columns: { merchantId: true },
  });
  if (staffAlready) return fail("already_staff");
  const now = Date.now();
  const taken = and(eq(merchantInvitations.id, inv.id), eq(merchantInvitations.acceptedBy, input.userId), eq(merchantInvitations.acceptedAt, now));
  const [updated] = await ctx.db.batch([
    ctx.db
      .update(merchantInvitations)
      .set({ acceptedBy: input.userId, acceptedAt: now })
      .where(
        and(
          eq(merchantInvitations.id, inv.id),
          isNull(merchantInvitations.acceptedAt),
          isNull(merchantInvitations.revokedAt),
          gt(merchantInvitations.expiresAt, now),
        ),
      )
      .returning({ id: merchantInvitations.id }),
    ctx.db
      .insert(merchantStaff)
      .select(
        ctx.db
          .select({
            merchantId: merchantInvitations.merchantId,
            userId: merchantInvitations.acceptedBy,
            staffRole: sql<"staff">`'staff'`.as("staff_role"),
            createdAt: sql<number>`${now}`.as("created_at"),
          })
          .from(merchantInvitations)
          .where(taken),
      )
      .onConflictDoNothing(),
    ctx.db
      .insert(userRoles)
      .select(
        ctx.db
          .select({
            userId: merchantInvitations.acceptedBy,
            role: sql<"merchant">`'merchant'`.as("role"),
            grantedBy: merchantInvitations.invitedBy,
            createdAt: sql<number>`${now}`.as("created_at"),
          })
          .from(merchantInvitations)
          .where(taken),
      )
      .onConflictDoNothing(),
    auditStatement(ctx, {
      actorUserId: input.userId,
      action: "merchant.invitation.accept",
      entityType: "merchant",
      entityId: inv.merchantId,
      data: { invitationId: inv.id },
    }),
  ]);
  if (updated.length === 0) {
    // Someone else took it, or it was revoked, a moment ago.
    const again = await findInvitation(ctx, input.token);
    return fail(again.ok ? "invitation_used" : again.error.code);
  }
  return ok({ merchantId: inv.merchantId });
}

export type RemoveStaffError = "staff_not_found" | "cannot_remove_self" | "last_owner";

/**
 * Removes a member (owners only, checked by the caller). The last owner stays; the merchant role
 * goes too when the person no longer works for any merchant.
 */
export async function removeStaff(ctx: AppContext, input: { merchantId: string; userId: string; actorId: string }): Promise<Result<null, RemoveStaffError>> {
  if (input.userId === input.actorId) return fail("cannot_remove_self", "userId");
  const member = await ctx.db.query.merchantStaff.findFirst({
    where: and(eq(merchantStaff.merchantId, input.merchantId), eq(merchantStaff.userId, input.userId)),
  });
  if (!member) return fail("staff_not_found", "userId");
  const otherOwners = sql`(SELECT count(*) FROM merchant_staff WHERE merchant_id = ${input.merchantId} AND staff_role = 'owner' AND user_id <> ${input.userId}) > 0`;
  const [deleted] = await ctx.db.batch([
    ctx.db
      .delete(merchantStaff)
      .where(and(eq(merchantStaff.merchantId, input.merchantId), eq(merchantStaff.userId, input.userId), or(eq(merchantStaff.staffRole, "staff"), otherOwners)))
      .returning({ userId: merchantStaff.userId }),
    ctx.db.delete(userRoles).where(
      and(
        eq(userRoles.userId, input.userId),
        eq(userRoles.role, "merchant"),
        notExists(
          ctx.db
            .select({ one: sql`1` })
            .from(merchantStaff)
            .where(eq(merchantStaff.userId, input.userId)),
        ),
      ),
    ),
    auditStatement(ctx, {
      actorUserId: input.actorId,
      action: "merchant.staff.remove",
      entityType: "merchant",
      entityId: input.merchantId,
      data: { userId: input.userId, staffRole: member.staffRole },
    }),
  ]);
  return deleted.length ? ok(null) : fail("last_owner", "userId");
}
