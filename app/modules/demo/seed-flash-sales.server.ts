import { and, eq, gte, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { flashSales, skus } from "~/db/schema";
import { addDays, businessDateOf, cutoffInstant } from "~/modules/fulfilment/business-date";
import { earlyAccessJson } from "~/modules/flash-sales/sale-schemas";
import { DEMO_ADMIN, DEMO_FLASH_SALES, DEMO_MERCHANTS, DEMO_PRODUCTS, type DemoFlashSale } from "./world";

type SeedContext = Pick<AppContext, "db">;

const HOUR = 60 * 60 * 1000;
const skuIdOf = (productId: string, index: number) => `sku_${productId.slice(4, 22)}${String(index + 1).padStart(2, "0")}`;

/** The window of a demo sale seeded at `now`: on now for a week, or the next evening at least an hour away. */
export function demoFlashWindow(window: DemoFlashSale["window"], now: number): { startsAt: number; endsAt: number } {
  if (window === "live") return { startsAt: now - HOUR, endsAt: now + 7 * 24 * HOUR };
  let date = businessDateOf(now);
  while (cutoffInstant(date, "20:00") < now + HOUR) date = addDays(date, 1);
  return { startsAt: cutoffInstant(date, "20:00"), endsAt: cutoffInstant(date, "22:00") };
}

/**
 * Seeds DEMO_FLASH_SALES as an admin's approval leaves them: `approved`, and the sale's units
 * taken off the SKU's shelf stock in the same batch. Idempotent: each sale is written once (fixed
 * id), and the stock statement runs before the insert only while the sale does not exist yet.
 * The stock objects start empty and keep the sale's terms from their first call.
 */
export async function seedDemoFlashSales(ctx: SeedContext, now: number): Promise<void> {
  const { db } = ctx;
  const statements = DEMO_FLASH_SALES.flatMap((s) => {
    const product = DEMO_PRODUCTS.find((p) => p.id === s.productId)!;
    const merchant = DEMO_MERCHANTS[product.merchant]!;
    const skuId = skuIdOf(s.productId, s.skuIndex);
    const { startsAt, endsAt } = demoFlashWindow(s.window, now);
    return [
      db
        .update(skus)
        .set({ stock: sql`${skus.stock} - ${s.stock}`, updatedAt: now })
        .where(and(eq(skus.id, skuId), gte(skus.stock, s.stock), sql`NOT EXISTS (SELECT 1 FROM flash_sales WHERE id = ${s.id})`)),
      db
        .insert(flashSales)
        .values({
          id: s.id,
          merchantId: merchant.id,
          productId: s.productId,
          skuId,
          flashPriceFen: s.flashPriceFen,
          stock: s.stock,
          perUserLimit: s.perUserLimit,
          paymentTimeoutSeconds: s.paymentTimeoutSeconds,
          earlyAccessMinutes: earlyAccessJson(s.earlyAccess.silver, s.earlyAccess.gold),
          startsAt,
          endsAt,
          status: "approved" as const,
          reviewedBy: DEMO_ADMIN.id,
          reviewedAt: now,
          createdBy: merchant.ownerId,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing(),
    ];
  });
  await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
}
