import { asc, eq } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { merchants, merchantStaff, users } from "~/db/schema";
import { decryptField, encryptField, maskId } from "~/lib/field-crypto.server";
import { normalisePhone } from "~/modules/identity/schemas";
import { UpdateMerchantProfileInput } from "./schemas";

export { UpdateMerchantProfileInput };


/** The merchant's own profile: contact phone in full (their own), licence number masked (not needed day to day). */
export async function getMerchantProfile(ctx: AppContext, merchant: typeof merchants.$inferSelect) {
  const staff = await ctx.db
    .select({ userId: merchantStaff.userId, staffRole: merchantStaff.staffRole, displayName: users.displayName })
    .from(merchantStaff)
    .innerJoin(users, eq(users.id, merchantStaff.userId))
    .where(eq(merchantStaff.merchantId, merchant.id))
    .orderBy(asc(merchantStaff.createdAt));
  return {
    id: merchant.id,
    name: merchant.name,
    companyName: merchant.companyName,
    licenceNoMasked: maskId(await decryptField(ctx.env, "licence_no", merchant.licenceNoEnc)),
    contactName: merchant.contactName,
    contactPhone: await decryptField(ctx.env, "contact_phone", merchant.contactPhoneEnc),
    description: merchant.description ?? "",
    status: merchant.status,
    staff,
  };
}

export async function updateMerchantProfile(ctx: AppContext, merchantId: string, input: UpdateMerchantProfileInput) {
  await ctx.db
    .update(merchants)
    .set({
      contactName: input.contactName,
      contactPhoneEnc: await encryptField(ctx.env, "contact_phone", normalisePhone(input.contactPhone)),
      description: input.description ?? "",
      updatedAt: Date.now(),
    })
    .where(eq(merchants.id, merchantId));
}
