import type { AppContext } from "~/context.server";
import { pointsEntries, reviews } from "~/db/schema";
import { expiryOf } from "~/modules/membership/points";
import { SETTING_DEFAULTS } from "~/modules/settings/catalogue";
import { DEMO_MERCHANTS, DEMO_PAST_ORDERS, DEMO_PRODUCTS, DEMO_REVIEWS, DEMO_SHOPPERS } from "./world";

type SeedContext = Pick<AppContext, "db">;

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

/**
 * The demo's reviews (DEMO_REVIEWS), on lines of completed past orders, with their points (as a
 * shopper's review earns them) and one merchant reply. Fixed ids and ON CONFLICT DO NOTHING: seeding
 * again changes nothing, and the triggers count each review once in product_review_stats.
 */
export async function seedDemoReviews(ctx: SeedContext, now: number): Promise<void> {
  const { db } = ctx;
  for (const r of DEMO_REVIEWS) {
    const [n, o] = [r.order, DEMO_PAST_ORDERS[r.order]!];
    const [productId, skuIndex] = o.items[r.line]!;
    const product = DEMO_PRODUCTS.find((p) => p.id === productId)!;
    const merchant = DEMO_MERCHANTS[product.merchant];
    // The same ids and times seedDemoPastOrders gives the order's lines.
    const key = o.id.slice(4, 22);
    const lineId = `oli_${key.slice(0, 16)}${String(n).padStart(2, "0")}${String(r.line).padStart(2, "0")}`;
    const pickedUpAt = now - o.daysAgo * DAY - 2 * HOUR + o.pickedUpAfterDays * DAY;
    const createdAt = pickedUpAt + DAY;
    if (pickedUpAt + SETTING_DEFAULTS["order.after_sales_window_days"] * DAY > now) continue;
    const userId = DEMO_SHOPPERS[o.shopper]!.id;
    await db.batch([
      db
        .insert(reviews)
        .values({
          id: r.id,
          orderId: o.id,
          orderLineId: lineId,
          userId,
          productId,
          skuId: `sku_${productId.slice(4, 22)}${String(skuIndex + 1).padStart(2, "0")}`,
          merchantId: merchant.id,
          spec: product.skus[skuIndex]!.specZh,
          rating: r.rating,
          body: r.body,
          reply: r.reply ?? null,
          repliedBy: r.reply ? merchant.ownerId : null,
          repliedAt: r.reply ? createdAt + 3 * HOUR : null,
          createdAt,
          updatedAt: r.reply ? createdAt + 3 * HOUR : createdAt,
        })
        .onConflictDoNothing(),
      db
        .insert(pointsEntries)
        .values({ id: `pnt_${r.id.slice(4)}`, userId, kind: "review", points: SETTING_DEFAULTS["review.points"], key: `review:${r.id}`, orderId: o.id, expiresAt: expiryOf(createdAt), createdAt })
        .onConflictDoNothing(),
    ]);
  }
}
