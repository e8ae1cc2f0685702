import { and, desc, eq, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { rawBatch } from "~/db/raw-batch.server";
import { pickupPoints, users } from "~/db/schema";
import { translate } from "~/i18n/i18n";
import { decryptField, encryptField } from "~/lib/field-crypto.server";
import { newId, randomBase32 } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";
import { normalisePhone } from "~/modules/identity/schemas";
import { sendMessage } from "~/modules/notifications/messaging.server";
import { noticeStatement, pushNotices, type Notice } from "~/modules/notifications/notify.server";
import { sniffImage } from "~/modules/orders/after-sales.server";
import { LEADER_PHOTO_MAX_BYTES, parsePointHours, type ApplyLeaderInput, type LeaderReviewStatus, type PointHours } from "./apply-schemas";
import { newInviteCode } from "./invite-code";

/**
 * Becoming a leader (SPEC §3, §5): a signed-in user applies; the application IS a pickup point row
 * with status `pending` and the applicant as its leader (address and phone encrypted, the ID or
 * store-front photo in R2 under a private prefix). An admin approves it (point active, an invite
 * code, the leader role, an audit row and a notice, in one batch) or rejects it with a reason; after
 * a rejection the applicant corrects the same row and sends it again.
 */

export interface LeaderApplicationView {
  id: string;
  status: (typeof pickupPoints.$inferSelect)["status"];
  rejectReason: string | null;
  name: string;
  area: string;
  address: string;
  contactPhone: string;
  lat: number;
  lng: number;
  hours: PointHours;
  doorDelivery: boolean;
  hasPhoto: boolean;
  inviteCode: string | null;
  submittedAt: number;
  reviewedAt: number | null;
}

async function applicationView(ctx: AppContext, row: typeof pickupPoints.$inferSelect): Promise<LeaderApplicationView> {
  return {
    id: row.id,
    status: row.status,
    rejectReason: row.rejectReason,
    name: row.name,
    area: row.area,
    address: await decryptField(ctx.env, "address", row.addressEnc),
    contactPhone: await decryptField(ctx.env, "contact_phone", row.contactPhoneEnc),
    lat: row.lat,
    lng: row.lng,
    hours: parsePointHours(row.hours),
    doorDelivery: row.doorDelivery,
    hasPhoto: row.photoKey !== null,
    inviteCode: row.inviteCode,
    submittedAt: row.updatedAt,
    reviewedAt: row.reviewedAt,
  };
}

async function latestPointOf(ctx: AppContext, userId: string) {
  return ctx.db.query.pickupPoints.findFirst({ where: eq(pickupPoints.leaderUserId, userId), orderBy: desc(pickupPoints.createdAt) });
}

/** The user's own pickup point or application (what /me/leader-apply shows), or null. */
export async function getMyLeaderApplication(ctx: AppContext, userId: string): Promise<LeaderApplicationView | null> {
  const row = await latestPointOf(ctx, userId);
  return row ? applicationView(ctx, row) : null;
}

export type LeaderApplyError = "application_pending" | "already_leader" | "photo_required" | "photo_too_large" | "photo_invalid";

/** Statuses in which a user already has a point or an application: no second one. */
const HOLDING = ["pending", "active", "suspended"] as const;

/**
 * Submits an application, or re-submits a rejected one (the same row goes back to pending). The
 * photo is required the first time; a re-submission without a new photo keeps the one sent before.
 * The write is conditional (no pending or active point of this user may exist), so two submissions
 * racing each other create one application.
 */
export async function applyAsLeader(
  ctx: AppContext,
  input: { userId: string; form: ApplyLeaderInput; photo: File | null },
): Promise<Result<{ pointId: string }, LeaderApplyError>> {
  const existing = await latestPointOf(ctx, input.userId);
  if (existing?.status === "pending") return fail("application_pending", "name");
  if (existing && existing.status !== "rejected") return fail("already_leader", "name");

  const file = input.photo && input.photo.size > 0 ? input.photo : null;
  if (!file && !existing?.photoKey) return fail("photo_required", "photo");
  let photo: { bytes: Uint8Array; type: string; ext: string } | null = null;
  if (file) {
    if (file.size > LEADER_PHOTO_MAX_BYTES) return fail("photo_too_large", "photo");
    const bytes = new Uint8Array(await file.arrayBuffer());
    const kind = sniffImage(bytes);
    if (!kind) return fail("photo_invalid", "photo");
    photo = { bytes, ...kind };
  }

  const pointId = existing?.id ?? newId("pkp");
  const photoKey = photo ? `leader-photos/${pointId}/${randomBase32(16)}.${photo.ext}` : existing!.photoKey!;
  if (photo) await ctx.env.IMAGES.put(photoKey, photo.bytes, { httpMetadata: { contentType: photo.type } });

  const { form } = input;
  const now = Date.now();
  const addressEnc = await encryptField(ctx.env, "address", form.address);
  const phoneEnc = await encryptField(ctx.env, "contact_phone", normalisePhone(form.contactPhone));
  const hours = JSON.stringify({ open: form.open, close: form.close, days: form.days });
  const holding = JSON.stringify(HOLDING);
  const result = existing
    ? await ctx.db
        .update(pickupPoints)
        .set({
          name: form.name,
          area: form.area,
          addressEnc,
          contactPhoneEnc: phoneEnc,
          lat: form.lat,
          lng: form.lng,
          hours,
          doorDelivery: form.doorDelivery === "yes",
          status: "pending",
          rejectReason: null,
          photoKey,
          reviewedBy: null,
          reviewedAt: null,
          updatedAt: now,
        })
        .where(and(eq(pickupPoints.id, existing.id), eq(pickupPoints.leaderUserId, input.userId), eq(pickupPoints.status, "rejected")))
        .run()
    : await ctx.db.run(sql`
        INSERT INTO pickup_points (id, leader_user_id, name, area, address_enc, contact_phone_enc, lat, lng, hours, door_delivery, status, photo_key, created_at, updated_at)
        SELECT ${pointId}, ${input.userId}, ${form.name}, ${form.area}, ${addressEnc}, ${phoneEnc}, ${form.lat}, ${form.lng}, ${hours}, ${form.doorDelivery === "yes" ? 1 : 0}, 'pending', ${photoKey}, ${now}, ${now}
        WHERE NOT EXISTS (SELECT 1 FROM pickup_points WHERE leader_user_id = ${input.userId} AND status IN (SELECT value FROM json_each(${holding})))`);
  if ((result.meta.changes ?? 0) === 0) {
    // Another submission (another tab) got there first.
    if (photo) await ctx.env.IMAGES.delete(photoKey);
    return fail("application_pending", "name");
  }
  // The photo of the rejected application is replaced.
  if (photo && existing?.photoKey && existing.photoKey !== photoKey) ctx.waitUntil(ctx.env.IMAGES.delete(existing.photoKey));
  return ok({ pointId });
}

// ---------------------------------------------------------------------------------------------
// Admin review

export interface LeaderApplicationRow extends LeaderApplicationView {
  applicantName: string;
  applicantId: string;
}

/** Applications (pickup points) with one status, newest first, decrypted for the reviewer. */
export async function listLeaderApplications(ctx: AppContext, status: LeaderReviewStatus, limit = 100): Promise<LeaderApplicationRow[]> {
  const rows = await ctx.db
    .select({ point: pickupPoints, applicantName: users.displayName })
    .from(pickupPoints)
    .innerJoin(users, eq(users.id, pickupPoints.leaderUserId))
    .where(eq(pickupPoints.status, status))
    .orderBy(status === "pending" ? pickupPoints.updatedAt : desc(pickupPoints.updatedAt))
    .limit(limit);
  return Promise.all(rows.map(async (r) => ({ ...(await applicationView(ctx, r.point)), applicantName: r.applicantName, applicantId: r.point.leaderUserId })));
}

/** The applicant's photo (the route lets reviewers only). */
export async function getLeaderPhoto(ctx: AppContext, pointId: string) {
  const p = await ctx.db.query.pickupPoints.findFirst({ where: eq(pickupPoints.id, pointId), columns: { photoKey: true } });
  if (!p?.photoKey) return null;
  return ctx.env.IMAGES.get(p.photoKey);
}

export type LeaderReviewError = "point_not_found" | "not_pending";

/** The batch aborts (json() of a non-JSON text raises) unless the point is still pending. */
function guardPending(pointId: string) {
  return sql`SELECT CASE WHEN (SELECT status FROM pickup_points WHERE id = ${pointId}) IS NOT 'pending' THEN json('leader_state_conflict') END`;
}
const errorText = (error: unknown) => `${(error as Error)?.message ?? ""} ${String((error as { cause?: unknown })?.cause ?? "")}`;
const isGuardAbort = (error: unknown) => /malformed JSON/.test(errorText(error));
const isInviteCodeTaken = (error: unknown) => /UNIQUE constraint failed: pickup_points\.invite_code/.test(errorText(error));

/** The applicant's SMS (or email when there is no phone), in their language. Never fails the review. */
async function messageApplicant(ctx: AppContext, userId: string, key: "approved" | "rejected", vars: Record<string, string>) {
  try {
    const user = await ctx.db.query.users.findFirst({ where: eq(users.id, userId), columns: { phoneEnc: true, email: true, locale: true } });
    if (!user) return;
    const locale = user.locale === "en" ? "en" : "zh-CN";
    const body = translate(locale, `leaderApply.notify.${key}`, vars);
    if (user.phoneEnc) await sendMessage(ctx, { channel: "sms", to: await decryptField(ctx.env, "phone", user.phoneEnc), body });
    else if (user.email) await sendMessage(ctx, { channel: "email", to: user.email, subject: translate(locale, "leaderApply.notify.subject"), body });
  } catch (error) {
    console.warn(`leader application ${key}: message to ${userId} not sent: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Approves a pending application in ONE batch: the point goes active with a fresh invite code, the
 * applicant gets the leader role, the audit log and the applicant's inbox get their rows. A guard
 * aborts the whole batch when the point is no longer pending (another reviewer was faster); a
 * code that happens to be taken already is drawn again.
 */
export async function approveLeaderApplication(
  ctx: AppContext,
  adminId: string,
  pointId: string,
): Promise<Result<{ pointId: string; name: string; inviteCode: string }, LeaderReviewError>> {
  const point = await ctx.db.query.pickupPoints.findFirst({ where: eq(pickupPoints.id, pointId) });
  if (!point) return fail("point_not_found", "pointId");
  if (point.status !== "pending") return fail("not_pending", "pointId");
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = newInviteCode();
    const now = Date.now();
    const approvedNotice: Notice[] = [{ userId: point.leaderUserId, kind: "leader.application_approved", data: { point: point.name, code }, link: "/leader" }];
    try {
      await rawBatch(ctx, [
        guardPending(pointId),
        ctx.db
          .update(pickupPoints)
          .set({ status: "active", inviteCode: code, rejectReason: null, reviewedBy: adminId, reviewedAt: now, updatedAt: now })
          .where(and(eq(pickupPoints.id, pointId), eq(pickupPoints.status, "pending"))),
        sql`INSERT INTO user_roles (user_id, role, granted_by, created_at) VALUES (${point.leaderUserId}, 'leader', ${adminId}, ${now})
          ON CONFLICT (user_id, role) DO NOTHING`,
        auditStatement(ctx, {
          actorUserId: adminId,
          action: "leader.approve",
          entityType: "pickup_point",
          entityId: pointId,
          data: { applicant: point.leaderUserId, inviteCode: code },
        }),
        noticeStatement(approvedNotice, now),
      ]);
      pushNotices(ctx, approvedNotice);
      await messageApplicant(ctx, point.leaderUserId, "approved", { point: point.name, code });
      return ok({ pointId, name: point.name, inviteCode: code });
    } catch (error) {
      if (isGuardAbort(error)) return fail("not_pending", "pointId");
      if (isInviteCodeTaken(error)) continue;
      throw error;
    }
  }
  throw new Error("Could not allocate a unique invite code");
}

/** Rejects a pending application with a reason (one batch: point, audit row, notice). */
export async function rejectLeaderApplication(
  ctx: AppContext,
  adminId: string,
  pointId: string,
  reason: string,
): Promise<Result<{ pointId: string; name: string }, LeaderReviewError>> {
  const point = await ctx.db.query.pickupPoints.findFirst({ where: eq(pickupPoints.id, pointId) });
  if (!point) return fail("point_not_found", "pointId");
  if (point.status !== "pending") return fail("not_pending", "pointId");
  const now = Date.now();
  const rejectedNotice: Notice[] = [{ userId: point.leaderUserId, kind: "leader.application_rejected", data: { point: point.name, reason }, link: "/me/leader-apply" }];
  try {
    await rawBatch(ctx, [
      guardPending(pointId),
      ctx.db
        .update(pickupPoints)
        .set({ status: "rejected", rejectReason: reason, reviewedBy: adminId, reviewedAt: now, updatedAt: now })
        .where(and(eq(pickupPoints.id, pointId), eq(pickupPoints.status, "pending"))),
      auditStatement(ctx, {
        actorUserId: adminId,
        action: "leader.reject",
        entityType: "pickup_point",
        entityId: pointId,
        data: { applicant: point.leaderUserId, reason },
      }),
      noticeStatement(rejectedNotice, now),
    ]);
  } catch (error) {
    if (isGuardAbort(error)) return fail("not_pending", "pointId");
    throw error;
  }
  pushNotices(ctx, rejectedNotice);
  await messageApplicant(ctx, point.leaderUserId, "rejected", { point: point.name, reason });
  return ok({ pointId, name: point.name });
}
