import { eq } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { groupDealCampaigns, groupDealMembers, groupDeals, orderEvents, orderLines, orders, paymentNotifications, payments } from "~/db/schema";
import { encryptField, lookupHash } from "~/lib/field-crypto.server";
import { capacityOf } from "~/modules/group-deals/tiers";
import { priceCart } from "~/modules/pricing";
import { SETTING_DEFAULTS } from "~/modules/settings/catalogue";
import { orderRatesSnapshot, rateSettingsFrom } from "~/modules/settings/order-rates";
import { DEMO_CATEGORIES, DEMO_GROUP_CAMPAIGNS, DEMO_MERCHANTS, DEMO_OPEN_GROUP, DEMO_PICKUP_POINTS, DEMO_PRODUCTS, DEMO_SETTINGS, DEMO_SHOPPERS } from "./world";

type SeedContext = Pick<AppContext, "db"> & { env: Pick<AppContext["env"], "DATA_KEYS" | "DATA_KEY_ID" | "LOOKUP_KEY"> };

const skuIdOf = (productId: string, index: number) => `sku_${productId.slice(4, 22)}${String(index + 1).padStart(2, "0")}`;

/**
 * The demo world's group deals (SPEC §10): approved campaigns and one open group whose starter
 * has paid (an `awaiting_group` order with its sandbox payment, as the payment flow writes it).
 * Idempotent: fixed ids, and the group is written once (its deadline is fixed at the first seed;
 * a room that has never heard of it rebuilds itself from these rows).
 */
export async function seedDemoGroupDeals(ctx: SeedContext, now: number): Promise<void> {
  const { db, env } = ctx;
  const day = 24 * 60 * 60 * 1000;
  const productOf = (id: string) => DEMO_PRODUCTS.find((p) => p.id === id)!;
  await db.batch([
    db
      .insert(groupDealCampaigns)
      .values(
        DEMO_GROUP_CAMPAIGNS.map((c) => ({
          id: c.id,
          merchantId: DEMO_MERCHANTS[productOf(c.productId).merchant].id,
          productId: c.productId,
          skuId: skuIdOf(c.productId, c.skuIndex),
          tiers: JSON.stringify(c.tiers),
          durationMinutes: c.durationMinutes,
          perUserLimit: c.perUserLimit,
          startsAt: now - day,
          endsAt: now + 60 * day,
          leaderOnly: false,
          status: "approved" as const,
          reviewedBy: "usr_demoadmin00000000000",
          reviewedAt: now - day,
          createdBy: DEMO_MERCHANTS[productOf(c.productId).merchant].ownerId,
          createdAt: now - day,
          updatedAt: now - day,
        })),
      )
      .onConflictDoNothing(),
  ]);

  const g = DEMO_OPEN_GROUP;
  if (await db.query.groupDeals.findFirst({ where: eq(groupDeals.id, g.id), columns: { id: true } })) return;
  const campaign = DEMO_GROUP_CAMPAIGNS[g.campaign]!;
  const product = productOf(campaign.productId);
  const sku = product.skus[campaign.skuIndex]!;
  const skuId = skuIdOf(product.id, campaign.skuIndex);
  const shopper = DEMO_SHOPPERS[g.shopper]!;
  const point = DEMO_PICKUP_POINTS[g.point]!;
  const startedAt = now - 4 * 60 * 60 * 1000;
  const paidAt = startedAt + 60_000;
  const breakdown = priceCart({
    now: startedAt,
    lines: [
      {
        lineId: skuId,
        skuId,
        productId: product.id,
        merchantId: DEMO_MERCHANTS[product.merchant].id,
        categoryId: DEMO_CATEGORIES.find((c) => c.slug === product.category)!.id,
        quantity: g.quantity,
        unitPriceFen: sku.priceFen,
        priceOverride: { unitPriceFen: campaign.tiers[0]!.unitPriceFen, source: "group", campaignId: campaign.id },
      },
    ],
  });
  const line = breakdown.lines[0]!;
  const settingsOf = { ...SETTING_DEFAULTS, ...DEMO_SETTINGS } as typeof SETTING_DEFAULTS;
  const orderId = "ord_demogroupapple000001";
  const paymentId = "pay_demogroupapple000001";
  const code = "70900001";
  const payable = breakdown.totals.payableFen;
  await db.batch([
    db.insert(groupDeals).values({
      id: g.id,
      campaignId: campaign.id,
      merchantId: DEMO_MERCHANTS[product.merchant].id,
      productId: product.id,
      skuId,
      starterUserId: shopper.id,
      pickupPointId: point.id,
      leaderOnly: false,
      tiers: JSON.stringify(campaign.tiers),
      capacity: capacityOf(campaign.tiers),
      status: "open",
      deadlineAt: now + g.hoursLeft * 60 * 60 * 1000,
      paidCount: 1,
      createdAt: startedAt,
      updatedAt: paidAt,
    }),
    db.insert(orders).values({
      id: orderId,
      userId: shopper.id,
      pickupPointId: point.id,
      status: "awaiting_group",
      goodsFen: breakdown.totals.goodsFen,
      discountFen: breakdown.totals.discountFen,
      payableFen: payable,
      paidFen: payable,
      pricing: JSON.stringify(breakdown),
      pricingVersion: breakdown.rulesVersion,
      rates: JSON.stringify(orderRatesSnapshot(rateSettingsFrom(settingsOf), [{ categoryId: line.categoryId, goodsFen: line.baseFen }])),
      pickupCodeEnc: await encryptField(env, "pickup_code", code),
      pickupCodeHash: await lookupHash(env, `pickup:${point.id}`, code),
      groupDealId: g.id,
      payBy: startedAt + 30 * 60_000,
      paidAt,
      createdAt: startedAt,
      updatedAt: paidAt,
    }),
    db.insert(orderLines).values({
      id: "oli_demogroupapple000001",
      orderId,
      skuId,
      productId: product.id,
      merchantId: line.merchantId,
      categoryId: line.categoryId,
      title: product.titleZh,
      spec: sku.specZh,
      imageKey: `products/${product.id}/1.svg`,
      quantity: g.quantity,
      unitPriceFen: sku.priceFen,
      baseFen: line.baseFen,
      discountFen: line.discountFen,
      payableFen: line.payableFen,
    }),
    db.insert(payments).values({ id: paymentId, orderId, provider: "sandbox", amountFen: payable, status: "succeeded", providerTradeNo: `sbx_${paymentId}`, createdAt: startedAt, succeededAt: paidAt, expiresAt: startedAt + 30 * 60_000 }),
    db.insert(paymentNotifications).values({ dedupeKey: `sandbox:sbx_${paymentId}:succeeded`, paymentId, provider: "sandbox", status: "succeeded", amountFen: payable, outcome: "paid", receivedAt: paidAt }),
    db.insert(orderEvents).values([
      { id: "oev_demogroupapple000001", orderId, event: "place", fromStatus: null, toStatus: "pending_payment", actorType: "user", actorId: shopper.id, note: `group:${g.id}`, createdAt: startedAt },
      { id: "oev_demogroupapple000002", orderId, event: "pay_group", fromStatus: "pending_payment", toStatus: "awaiting_group", actorType: "provider", actorId: "sandbox", createdAt: paidAt },
    ]),
    db.insert(groupDealMembers).values({ id: "gdm_demogroupapple000001", groupId: g.id, campaignId: campaign.id, userId: shopper.id, orderId, quantity: g.quantity, status: "paid", joinedAt: startedAt, paidAt }),
  ]);
}
