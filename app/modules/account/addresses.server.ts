import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { addresses } from "~/db/schema";
import { decryptField, encryptField, maskPhone } from "~/lib/field-crypto.server";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { normalisePhone } from "~/modules/identity/schemas";
import { AddressInput } from "./address-schema";

export { AddressInput };

export const MAX_ADDRESSES = 20;


export interface AddressView {
  id: string;
  recipientName: string;
  phone: string;
  phoneMasked: string;
  region: string;
  detail: string;
  isDefault: boolean;
}

/** The owner's addresses, decrypted (the owner needs the full values to edit them). */
export async function listAddresses(ctx: AppContext, userId: string): Promise<AddressView[]> {
  const rows = await ctx.db.select().from(addresses).where(eq(addresses.userId, userId)).orderBy(desc(addresses.isDefault), asc(addresses.createdAt));
  return Promise.all(
    rows.map(async (a) => {
      const phone = await decryptField(ctx.env, "phone", a.phoneEnc);
      return { id: a.id, recipientName: a.recipientName, phone, phoneMasked: maskPhone(phone), region: a.region, detail: await decryptField(ctx.env, "address", a.detailEnc), isDefault: a.isDefault };
    }),
  );
}

export async function saveAddress(ctx: AppContext, userId: string, id: string | null, input: AddressInput): Promise<Result<{ id: string }, "address_not_found" | "too_many_addresses">> {
  const now = Date.now();
  const values = {
    recipientName: input.recipientName,
    phoneEnc: await encryptField(ctx.env, "phone", normalisePhone(input.phone)),
    region: input.region,
    detailEnc: await encryptField(ctx.env, "address", input.detail),
    updatedAt: now,
  };
  const makeDefault = input.isDefault !== undefined;
  const [{ n }] = (await ctx.db.select({ n: sql<number>`count(*)` }).from(addresses).where(eq(addresses.userId, userId))) as [{ n: number }];
  if (id) {
    const existing = await ctx.db.query.addresses.findFirst({ where: and(eq(addresses.id, id), eq(addresses.userId, userId)) });
    if (!existing) return fail("address_not_found", "id");
    await ctx.db.batch([
      ...(makeDefault ? [ctx.db.update(addresses).set({ isDefault: false }).where(eq(addresses.userId, userId))] : []),
      ctx.db.update(addresses).set({ ...values, ...(makeDefault ? { isDefault: true } : {}) }).where(and(eq(addresses.id, id), eq(addresses.userId, userId))),
    ] as unknown as Parameters<typeof ctx.db.batch>[0]);
    return ok({ id });
  }
  if (n >= MAX_ADDRESSES) return fail("too_many_addresses");
  const newAddressId = newId("adr");
  await ctx.db.batch([
    ...(makeDefault || n === 0 ? [ctx.db.update(addresses).set({ isDefault: false }).where(eq(addresses.userId, userId))] : []),
    ctx.db.insert(addresses).values({ id: newAddressId, userId, ...values, isDefault: makeDefault || n === 0, createdAt: now }),
  ] as unknown as Parameters<typeof ctx.db.batch>[0]);
  return ok({ id: newAddressId });
}

export async function deleteAddress(ctx: AppContext, userId: string, id: string): Promise<boolean> {
  const deleted = await ctx.db.delete(addresses).where(and(eq(addresses.id, id), eq(addresses.userId, userId))).returning({ id: addresses.id });
  return deleted.length === 1;
}
