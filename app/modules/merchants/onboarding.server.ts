import { and, asc, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { categories, merchantCategories, merchants, merchantStaff, userRoles, users } from "~/db/schema";
import { translate } from "~/i18n/i18n";
import { noticeMerchantReviewed } from "~/modules/notifications/triggers.server";
import type { MerchantReviewStatus } from "./onboarding-schemas";
import { decryptField, encryptField, lookupHash, maskId, maskPhone } from "~/lib/field-crypto.server";
import { newId, randomBase32 } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";
import { normalisePhone } from "~/modules/identity/schemas";
import { sendMessage } from "~/modules/notifications/messaging.server";
import { sniffImage } from "~/modules/orders/after-sales.server";
import { LICENCE_IMAGE_MAX_BYTES, type ApplyMerchantInput } from "./onboarding-schemas";

/**
 * Merchant onboarding (SPEC §4, §5): a signed-in user applies (the merchants row is the
 * application, status pending), an admin approves (merchant role + owner staff row) or rejects
 * with a reason; after a rejection the applicant edits and re-submits the same row.
 */

export type MerchantApplicationStatus = (typeof merchants.$inferSelect)["status"];

/** The categories a merchant may apply to sell in: the top-level ones. */
export async function listApplicableCategories(ctx: AppContext, locale: string) {
  const rows = await ctx.db
    .select({
      id: categories.id,
      nameZh: categories.nameZh,
      nameEn: categories.nameEn,
    })
    .from(categories)
    .where(sql`${categories.parentId} IS NULL`)
    .orderBy(asc(categories.sort), asc(categories.id));
  return rows.map((c) => ({
    id: c.id,
    name: locale === "en" ? c.nameEn : c.nameZh,
  }));
}

/** The user's own latest application (what /me/merchant-apply shows), or null. */
export async function getMyApplication(ctx: AppContext, userId: string) {
  const row = await ctx.db.query.merchants.findFirst({
    where: eq(merchants.createdBy, userId),
    orderBy: desc(merchants.createdAt),
  });
  if (!row) return null;
  const cats = await ctx.db.select({ categoryId: merchantCategories.categoryId }).from(merchantCategories).where(eq(merchantCategories.merchantId, row.id));
  return {
    id: row.id,
    status: row.status,
    rejectReason: row.rejectReason,
    storeName: row.name,
    companyName: row.companyName,
    licenceNo: await decryptField(ctx.env, "licence_no", row.licenceNoEnc),
    contactName: row.contactName,
    contactPhone: await decryptField(ctx.env, "contact_phone", row.contactPhoneEnc),
    categoryIds: cats.map((c) => c.categoryId),
    submittedAt: row.updatedAt,
    reviewedAt: row.reviewedAt,
  };
}

export type ApplyError =
  | "application_pending"
  | "already_merchant"
  | "licence_taken"
  | "category_invalid"
  | "licence_image_required"
  | "licence_image_too_large"
  | "licence_image_invalid";

function isUniqueViolation(error: unknown, index: string): boolean {
  const e = error as { message?: string; cause?: unknown };
  const text = `${e?.message ?? ""} ${String(e?.cause ?? "")}`;
  return text.includes("UNIQUE constraint failed") && (text.includes(index) || text.includes("licence_no_hash"));
}

/** Submits (or, after a rejection, re-submits) an application. The licence image goes to R2 under a private prefix. */
export async function applyAsMerchant(
  ctx: AppContext,
  input: { userId: string; form: ApplyMerchantInput; licenceImage: File | null },
): Promise<Result<{ merchantId: string }, ApplyError>> {
  const existing = await ctx.db.query.merchants.findFirst({
    where: eq(merchants.createdBy, input.userId),
    orderBy: desc(merchants.createdAt),
  });
  if (existing?.status === "pending") return fail("application_pending", "storeName");
  if (existing && existing.status !== "rejected") return fail("already_merchant", "storeName");

  const { form } = input;
  const licenceHash = await lookupHash(ctx.env, "licence_no", form.licenceNo);
  const duplicate = await ctx.db.query.merchants.findFirst({
    where: existing ? and(eq(merchants.licenceNoHash, licenceHash), ne(merchants.id, existing.id)) : eq(merchants.licenceNoHash, licenceHash),
    columns: { id: true },
  });
  if (duplicate) return fail("licence_taken", "licenceNo");

  const categoryIds = [...new Set(form.categoryIds ?? [])];
  const known = await ctx.db.select({ id: categories.id }).from(categories).where(inArray(categories.id, categoryIds));
  if (known.length !== categoryIds.length) return fail("category_invalid", "categoryIds");

  const file = input.licenceImage && input.licenceImage.size > 0 ? input.licenceImage : null;
  if (!file) return fail("licence_image_required", "licenceImage");
  if (file.size > LICENCE_IMAGE_MAX_BYTES) return fail("licence_image_too_large", "licenceImage");
  const bytes = new Uint8Array(await file.arrayBuffer());
  const kind = sniffImage(bytes);
  if (!kind) return fail("licence_image_invalid", "licenceImage");

  const merchantId = existing?.id ?? newId("mch");
  const imageKey = `licences/${merchantId}/${randomBase32(16)}.${kind.ext}`;
  await ctx.env.IMAGES.put(imageKey, bytes, {
    httpMetadata: { contentType: kind.type },
  });

  const now = Date.now();
  const values = {
    name: form.storeName,
    companyName: form.companyName,
    licenceNoEnc: await encryptField(ctx.env, "licence_no", form.licenceNo),
    licenceNoHash: licenceHash,
    licenceImageKey: imageKey,
    contactName: form.contactName,
    contactPhoneEnc: await encryptField(ctx.env, "contact_phone", normalisePhone(form.contactPhone)),
    status: "pending" as const,
    rejectReason: null,
    reviewedBy: null,
    reviewedAt: null,
    updatedAt: now,
  };
  try {
    await ctx.db.batch([
      existing
        ? ctx.db
            .update(merchants)
            .set(values)
            .where(and(eq(merchants.id, existing.id), eq(merchants.status, "rejected")))
        : ctx.db.insert(merchants).values({
            id: merchantId,
            ...values,
            createdBy: input.userId,
            createdAt: now,
          }),
      ctx.db.delete(merchantCategories).where(eq(merchantCategories.merchantId, merchantId)),
      ctx.db.insert(merchantCategories).values(categoryIds.map((categoryId) => ({ merchantId, categoryId }))),
      auditStatement(ctx, {
        actorUserId: input.userId,
        action: existing ? "merchant.reapply" : "merchant.apply",
        entityType: "merchant",
        entityId: merchantId,
        data: { storeName: form.storeName, categoryIds },
      }),
    ]);
  } catch (error) {
    await ctx.env.IMAGES.delete(imageKey);
    if (isUniqueViolation(error, "merchants_licence_hash_uq")) return fail("licence_taken", "licenceNo");
    throw error;
  }
  if (existing?.licenceImageKey) await ctx.env.IMAGES.delete(existing.licenceImageKey);
  return ok({ merchantId });
}

// ---------------------------------------------------------------------------------------------
// Admin review

type ReviewStatus = MerchantReviewStatus;

/**
 * Applications in one status, oldest first for the pending queue (newest first otherwise).
 * `revealLicence` shows the full licence number and contact phone (reviewers); others see them masked.
 */
export async function listApplications(
  ctx: AppContext,
  input: {
    status: ReviewStatus;
    revealLicence: boolean;
    locale: string;
    limit?: number;
  },
) {
  const rows = await ctx.db
    .select({ merchant: merchants, applicantName: users.displayName })
    .from(merchants)
    .innerJoin(users, eq(users.id, merchants.createdBy))
    .where(eq(merchants.status, input.status))
    .orderBy(input.status === "pending" ? asc(merchants.updatedAt) : desc(merchants.updatedAt))
    .limit(input.limit ?? 50);
  const ids = rows.map((r) => r.merchant.id);
  const cats = ids.length
    ? await ctx.db
        .select({
          merchantId: merchantCategories.merchantId,
          nameZh: categories.nameZh,
          nameEn: categories.nameEn,
        })
        .from(merchantCategories)
        .innerJoin(categories, eq(categories.id, merchantCategories.categoryId))
        .where(inArray(merchantCategories.merchantId, ids))
    : [];
  return Promise.all(
    rows.map(async ({ merchant: m, applicantName }) => {
      const licenceNo = await decryptField(ctx.env, "licence_no", m.licenceNoEnc);
      const phone = await decryptField(ctx.env, "contact_phone", m.contactPhoneEnc);
      return {
        id: m.id,
        storeName: m.name,
        companyName: m.companyName,
        licenceNo: input.revealLicence ? licenceNo : maskId(licenceNo),
        hasLicenceImage: m.licenceImageKey !== null,
        contactName: m.contactName,
        contactPhone: input.revealLicence ? phone : maskPhone(phone),
        applicantName,
        categories: cats.filter((c) => c.merchantId === m.id).map((c) => (input.locale === "en" ? c.nameEn : c.nameZh)),
        status: m.status,
        rejectReason: m.rejectReason,
        submittedAt: m.updatedAt,
        reviewedAt: m.reviewedAt,
      };
    }),
  );
}

export async function countPendingApplications(ctx: AppContext): Promise<number> {
  const [row] = await ctx.db
    .select({ n: sql<number>`count(*)` })
    .from(merchants)
    .where(eq(merchants.status, "pending"));
  return row?.n ?? 0;
}

/** The licence image of an application (admins only: the route guards it). */
export async function getLicenceImage(ctx: AppContext, merchantId: string) {
  const m = await ctx.db.query.merchants.findFirst({
    where: eq(merchants.id, merchantId),
    columns: { licenceImageKey: true },
  });
  if (!m?.licenceImageKey) return null;
  return ctx.env.IMAGES.get(m.licenceImageKey);
}

export type ReviewError = "merchant_not_found" | "not_pending";

async function notifyApplicant(ctx: AppContext, userId: string, key: "approved" | "rejected", vars: Record<string, string>) {
  const user = await ctx.db.query.users.findFirst({
    where: eq(users.id, userId),
    columns: { phoneEnc: true, email: true, locale: true },
  });
  if (!user) return;
  const locale = user.locale === "en" ? "en" : "zh-CN";
  const body = translate(locale, `merchantOnboarding.notify.${key}`, vars);
  if (user.phoneEnc) {
    await sendMessage(ctx, {
      channel: "sms",
      to: await decryptField(ctx.env, "phone", user.phoneEnc),
      body,
    });
  } else if (user.email) {
    await sendMessage(ctx, {
      channel: "email",
      to: user.email,
      subject: translate(locale, "merchantOnboarding.notify.subject"),
      body,
    });
  }
}

/**
 * Approves a pending application in one batch: the status flips only if still pending, and the
 * role and owner row are written only when that flip happened (INSERT … SELECT on the new state),
 * so two reviewers acting at once cannot approve a rejected application.
 */
export async function approveApplication(
  ctx: AppContext,
  adminId: string,
  merchantId: string,
): Promise<Result<{ merchantId: string; storeName: string }, ReviewError>> {
  const m = await ctx.db.query.merchants.findFirst({
    where: eq(merchants.id, merchantId),
  });
  if (!m) return fail("merchant_not_found", "merchantId");
  if (m.status !== "pending") return fail("not_pending", "merchantId");
  const now = Date.now();
  const flipped = and(eq(merchants.id, merchantId), eq(merchants.status, "approved"), eq(merchants.reviewedAt, now), eq(merchants.reviewedBy, adminId));
  const [updated] = await ctx.db.batch([
    ctx.db
      .update(merchants)
      .set({
        status: "approved",
        rejectReason: null,
        reviewedBy: adminId,
        reviewedAt: now,
        updatedAt: now,
      })
      .where(and(eq(merchants.id, merchantId), eq(merchants.status, "pending")))
      .returning({ id: merchants.id }),
    ctx.db
      .insert(userRoles)
      .select(
        ctx.db
          .select({
            userId: merchants.createdBy,
            role: sql<"merchant">`'merchant'`.as("role"),
            grantedBy: sql<string>`${adminId}`.as("granted_by"),
            createdAt: sql<number>`${now}`.as("created_at"),
          })
          .from(merchants)
          .where(flipped),
      )
      .onConflictDoNothing(),
    ctx.db
      .insert(merchantStaff)
      .select(
        ctx.db
          .select({
            merchantId: merchants.id,
            userId: merchants.createdBy,
            staffRole: sql<"owner">`'owner'`.as("staff_role"),
            createdAt: sql<number>`${now}`.as("created_at"),
          })
          .from(merchants)
          .where(flipped),
      )
      .onConflictDoNothing(),
    auditStatement(ctx, {
      actorUserId: adminId,
      action: "merchant.approve",
      entityType: "merchant",
      entityId: merchantId,
      data: { applicant: m.createdBy },
    }),
  ]);
  if (updated.length === 0) return fail("not_pending", "merchantId");
  await notifyApplicant(ctx, m.createdBy, "approved", { store: m.name });
  await noticeMerchantReviewed(ctx, m.createdBy, m.name, { approve: true });
  return ok({ merchantId, storeName: m.name });
}

export async function rejectApplication(
  ctx: AppContext,
  adminId: string,
  merchantId: string,
  reason: string,
): Promise<Result<{ merchantId: string; storeName: string }, ReviewError>> {
  const m = await ctx.db.query.merchants.findFirst({
    where: eq(merchants.id, merchantId),
  });
  if (!m) return fail("merchant_not_found", "merchantId");
  if (m.status !== "pending") return fail("not_pending", "merchantId");
  const now = Date.now();
  const [updated] = await ctx.db.batch([
    ctx.db
      .update(merchants)
      .set({
        status: "rejected",
        rejectReason: reason,
        reviewedBy: adminId,
        reviewedAt: now,
        updatedAt: now,
      })
      .where(and(eq(merchants.id, merchantId), eq(merchants.status, "pending")))
      .returning({ id: merchants.id }),
    auditStatement(ctx, {
      actorUserId: adminId,
      action: "merchant.reject",
      entityType: "merchant",
      entityId: merchantId,
      data: { applicant: m.createdBy, reason },
    }),
  ]);
  if (updated.length === 0) return fail("not_pending", "merchantId");
  await notifyApplicant(ctx, m.createdBy, "rejected", {
    store: m.name,
    reason,
  });
  await noticeMerchantReviewed(ctx, m.createdBy, m.name, { approve: false, reason });
  return ok({ merchantId, storeName: m.name });
}
