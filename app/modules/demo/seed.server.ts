import { inArray } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { productSearchDocument } from "~/modules/catalog/search.server";
import { hashPassword } from "~/auth/password.server";
import {
  categories,
  merchants,
  orderEvents,
  orderLines,
  orders,
  paymentNotifications,
  payments,
  pointsEntries,
  merchantStaff,
  pickupPoints,
  productImages,
  products,
  settings,
  couponTemplates,
  fullReductions,
  skuPriceHistory,
  skus,
  userCoupons,
  userAdminRoles,
  userRoles,
  users,
} from "~/db/schema";
import { chunkRows } from "~/db/chunk";
import { productSearch } from "~/db/search-table";
import { encryptField, lookupHash } from "~/lib/field-crypto.server";
import { priceCart } from "~/modules/pricing";
import { SETTING_DEFAULTS } from "~/modules/settings/catalogue";
import { orderRatesSnapshot, rateSettingsFrom } from "~/modules/settings/order-rates";
import { businessDateOf } from "~/modules/analytics/dates";
import { rollupDays } from "~/modules/analytics/rollup.server";
import { expiryOf, pointsForSale } from "~/modules/membership/points";
import { settlementPostings } from "~/modules/settlement/ledger";
import { netSalesByMerchant, orderSplit } from "~/modules/settlement/order-split";
import { transactionStatements } from "~/modules/settlement/settle.server";
import { seedDemoFlashSales } from "./seed-flash-sales.server";
import { seedDemoGroupDeals } from "./seed-group-deals.server";
import { seedDemoReviews } from "./seed-reviews.server";
import {
  DEMO_ADMIN,
  DEMO_CATEGORIES,
  DEMO_CLAIMABLE_TEMPLATES,
  DEMO_COUPON_TEMPLATES,
  DEMO_FULL_REDUCTION,
  DEMO_LEADERS,
  DEMO_MERCHANT_OWNERS,
  DEMO_MERCHANTS,
  DEMO_PASSWORD,
  DEMO_PAST_ORDERS,
  DEMO_PICKUP_POINTS,
  DEMO_PRODUCTS,
  DEMO_SETTINGS,
  DEMO_SHOPPERS,
  DEMO_SUB_ADMINS,
  productSvg,
} from "./world";

type SeedContext = Pick<AppContext, "db"> & { env: Pick<AppContext["env"], "DATA_KEYS" | "DATA_KEY_ID" | "LOOKUP_KEY" | "IMAGES"> };

const childId = (prefix: string, parentId: string, n: number) => `${prefix}_${parentId.slice(4, 22)}${String(n).padStart(2, "0")}`;

/**
 * Writes the demo world. Idempotent: fixed ids and ON CONFLICT DO NOTHING, so running it again
 * (every `npm start`) keeps whatever the demo users changed. `pastOrders` adds the collected
 * orders of the last weeks (DEMO_PAST_ORDERS; `npm run seed` does, the integration tests do not).
 */
export async function seedDemoWorld(ctx: SeedContext, options: { pastOrders?: boolean } = {}): Promise<{ users: number; products: number }> {
  const now = Date.now();
  const { db, env } = ctx;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const people = [DEMO_ADMIN, ...DEMO_SUB_ADMINS, ...DEMO_MERCHANT_OWNERS, ...DEMO_LEADERS, ...DEMO_SHOPPERS];

  const userRows = await Promise.all(
    people.map(async (u) => ({
      id: u.id,
      displayName: u.name,
      email: u.email ?? null,
      emailVerifiedAt: u.email ? now : null,
      phoneEnc: await encryptField(env, "phone", u.phone),
      phoneHash: await lookupHash(env, "phone", u.phone),
      phoneVerifiedAt: now,
      passwordHash: u.email ? passwordHash : null,
      locale: "zh-CN",
      createdAt: now,
      updatedAt: now,
    })),
  );
  const roleRows = people.flatMap((u) => u.roles.map((role) => ({ userId: u.id, role, createdAt: now })));
  const adminRoleRows = people.flatMap((u) => (u.adminRoles ?? []).map((adminRole) => ({ userId: u.id, adminRole, createdAt: now })));
  const merchantRows = await Promise.all(
    DEMO_MERCHANTS.map(async (m) => ({
      id: m.id,
      name: m.name,
      companyName: m.companyName,
      licenceNoEnc: await encryptField(env, "licence_no", m.licenceNo),
      licenceNoHash: await lookupHash(env, "licence_no", m.licenceNo),
      contactName: m.contactName,
      contactPhoneEnc: await encryptField(env, "contact_phone", m.contactPhone),
      description: m.description,
      status: "approved" as const,
      createdBy: m.ownerId,
      reviewedBy: DEMO_ADMIN.id,
      reviewedAt: now,
      createdAt: now,
      updatedAt: now,
    })),
  );
  const pointRows = await Promise.all(
    DEMO_PICKUP_POINTS.map(async (p) => ({
      id: p.id,
      leaderUserId: p.leaderId,
      name: p.name,
      area: p.area,
      addressEnc: await encryptField(env, "address", p.address),
      contactPhoneEnc: await encryptField(env, "contact_phone", p.contactPhone),
      lat: p.lat,
      lng: p.lng,
      hours: JSON.stringify(p.hours),
      doorDelivery: p.doorDelivery,
      inviteCode: p.inviteCode,
      status: "active" as const,
      createdAt: now,
      updatedAt: now,
    })),
  );
  const categoryId = Object.fromEntries(DEMO_CATEGORIES.map((c) => [c.slug, c.id]));
  const productRows = DEMO_PRODUCTS.map((p) => ({
    id: p.id,
    merchantId: DEMO_MERCHANTS[p.merchant].id,
    categoryId: categoryId[p.category]!,
    titleZh: p.titleZh,
    titleEn: p.titleEn,
    unit: p.unit,
    status: "on_shelf" as const,
    soldCount: p.sold,
    createdAt: now,
    updatedAt: now,
  }));
  const skuRows = DEMO_PRODUCTS.flatMap((p) =>
    p.skus.map((s, i) => ({ id: childId("sku", p.id, i + 1), productId: p.id, ...s, sort: i, createdAt: now, updatedAt: now })),
  );
  const imageRows = DEMO_PRODUCTS.map((p) => ({
    id: childId("img", p.id, 1),
    productId: p.id,
    r2Key: `products/${p.id}/1.svg`,
    contentType: "image/svg+xml",
    width: 480,
    height: 480,
    sort: 0,
    createdAt: now,
  }));

  const staffRows = DEMO_MERCHANTS.map((m) => ({ merchantId: m.id, userId: m.ownerId, staffRole: "owner" as const, createdAt: now }));
  const categoryRows = DEMO_CATEGORIES.map((c) => ({ ...c, parentId: null, createdAt: now }));
  const settingRows = Object.entries(DEMO_SETTINGS).map(([key, value]) => ({ key, value: JSON.stringify(value), updatedAt: now }));
  // One transaction for the whole world; inserts split to fit D1's 100-parameter limit.
  const [first, ...rest] = [
    ...chunkRows(users, userRows).map((rows) => db.insert(users).values(rows).onConflictDoNothing()),
    ...chunkRows(userRoles, roleRows).map((rows) => db.insert(userRoles).values(rows).onConflictDoNothing()),
    ...chunkRows(userAdminRoles, adminRoleRows).map((rows) => db.insert(userAdminRoles).values(rows).onConflictDoNothing()),
    ...chunkRows(merchants, merchantRows).map((rows) => db.insert(merchants).values(rows).onConflictDoNothing()),
    ...chunkRows(merchantStaff, staffRows).map((rows) => db.insert(merchantStaff).values(rows).onConflictDoNothing()),
    ...chunkRows(pickupPoints, pointRows).map((rows) => db.insert(pickupPoints).values(rows).onConflictDoNothing()),
    ...chunkRows(categories, categoryRows).map((rows) => db.insert(categories).values(rows).onConflictDoNothing()),
    ...chunkRows(products, productRows).map((rows) => db.insert(products).values(rows).onConflictDoNothing()),
    ...chunkRows(skus, skuRows).map((rows) => db.insert(skus).values(rows).onConflictDoNothing()),
    ...chunkRows(productImages, imageRows).map((rows) => db.insert(productImages).values(rows).onConflictDoNothing()),
    ...chunkRows(settings, settingRows).map((rows) => db.insert(settings).values(rows).onConflictDoNothing()),
  ];
  await db.batch([first!, ...rest]);
  // Search index (FTS5 has no upsert: replace each product's row) and a price history that makes
  // some struck prices true: those products cost more for most of the last month. History is
  // written once per SKU, so reseeding never rewrites the past.
  const day = 24 * 60 * 60 * 1000;
  const withHistory = new Set(
    (await db.select({ skuId: skuPriceHistory.skuId }).from(skuPriceHistory).where(inArray(skuPriceHistory.skuId, skuRows.map((s) => s.id)))).map((r) => r.skuId),
  );
  const historyRows = skuRows
    .filter((s) => !withHistory.has(s.id))
    .flatMap((s) => {
      const was = s.sort === 0 ? DEMO_PRODUCTS.find((p) => p.id === s.productId)!.wasPriceFen : undefined;
      return was
        ? [
            { skuId: s.id, priceFen: was, effectiveAt: now - 40 * day },
            { skuId: s.id, priceFen: s.priceFen, effectiveAt: now - 3 * day },
          ]
        : [{ skuId: s.id, priceFen: s.priceFen, effectiveAt: now - 60 * day }];
    });
  const categoryBySlug = new Map(DEMO_CATEGORIES.map((c) => [c.slug, c]));
  await db.batch([
    db.delete(productSearch).where(inArray(productSearch.productId, DEMO_PRODUCTS.map((p) => p.id))),
    ...chunkRows(
      productSearch,
      DEMO_PRODUCTS.map((p) => ({ productId: p.id, ...productSearchDocument({ ...p, category: categoryBySlug.get(p.category)! }) })),
    ).map((rows) => db.insert(productSearch).values(rows)),
    ...chunkRows(skuPriceHistory, historyRows).map((rows) => db.insert(skuPriceHistory).values(rows).onConflictDoNothing()),
  ]);
  // Marketing: one platform spend-and-save promotion, coupon templates, and one of each coupon
  // for every shopper (fixed ids: reseeding never hands out more).
  const year = 365 * day;
  const holders = [...DEMO_SHOPPERS, ...DEMO_LEADERS, ...DEMO_MERCHANT_OWNERS, DEMO_ADMIN];
  const couponRows = holders.flatMap((u) =>
    DEMO_COUPON_TEMPLATES.map((t) => ({
      id: `ucp_${u.id.slice(8, 18)}${t.id.slice(8, 18)}`,
      templateId: t.id,
      userId: u.id,
      status: "available" as const,
      validFrom: now - day,
      validUntil: now + 90 * day,
      claimedAt: now,
    })),
  );
  await db.batch([
    db
      .insert(fullReductions)
      .values({ ...DEMO_FULL_REDUCTION, funding: "platform", tiers: JSON.stringify(DEMO_FULL_REDUCTION.tiers), startsAt: now - day, endsAt: now + year, createdAt: now })
      .onConflictDoNothing(),
    ...chunkRows(
      couponTemplates,
      [
        ...DEMO_COUPON_TEMPLATES.map((t) => ({ ...t, startsAt: now - day, endsAt: now + year, perUserLimit: 1, claimable: false, createdAt: now })),
        ...DEMO_CLAIMABLE_TEMPLATES.map((t) => ({ ...t, startsAt: now - day, endsAt: now + year, claimable: true, createdAt: now })),
      ],
    ).map((rows) => db.insert(couponTemplates).values(rows).onConflictDoNothing()),
    ...chunkRows(userCoupons, couponRows).map((rows) => db.insert(userCoupons).values(rows).onConflictDoNothing()),
  ]);
  await seedDemoGroupDeals(ctx, now);
  await seedDemoFlashSales(ctx, now);
  for (const p of DEMO_PRODUCTS) {
    await env.IMAGES.put(`products/${p.id}/1.svg`, productSvg(p), { httpMetadata: { contentType: "image/svg+xml" } });
  }
  if (options.pastOrders) {
    await seedDemoPastOrders(ctx, now);
    await seedDemoReviews(ctx, now);
    // The analytics dashboards read daily rollups: roll up the days the past orders fall on, to today.
    const oldest = Math.max(...DEMO_PAST_ORDERS.map((o) => o.daysAgo)) + 1;
    await rollupDays(ctx, businessDateOf(now - oldest * day), businessDateOf(now), now);
  }
  return { users: people.length, products: DEMO_PRODUCTS.length };
}

/**
 * The demo's past orders (DEMO_PAST_ORDERS): priced by the pricing engine at the catalogue's
 * prices, paid through the sandbox, and carried through the whole timeline (placed, paid, cut
 * off, shipped, arrived, picked up, and completed once the after-sales window had passed).
 * Orders already there are left alone (their timeline only grows, so it is never written twice).
 */
async function seedDemoPastOrders(ctx: SeedContext, now: number): Promise<void> {
  const { db, env } = ctx;
  const day = 24 * 60 * 60 * 1000;
  const hour = 60 * 60 * 1000;
  const settingsOf = { ...SETTING_DEFAULTS, ...DEMO_SETTINGS } as typeof SETTING_DEFAULTS;
  const existing = new Set(
    (await db.select({ id: orders.id }).from(orders).where(inArray(orders.id, DEMO_PAST_ORDERS.map((o) => o.id)))).map((r) => r.id),
  );
  const skuOf = (productId: string, index: number) => {
    const product = DEMO_PRODUCTS.find((p) => p.id === productId)!;
    return { product, sku: product.skus[index]!, skuId: childId("sku", product.id, index + 1) };
  };
  for (const [n, o] of DEMO_PAST_ORDERS.entries()) {
    if (existing.has(o.id)) continue;
    const point = DEMO_PICKUP_POINTS[o.point];
    const createdAt = now - o.daysAgo * day - 2 * hour;
    const pickedUpAt = createdAt + o.pickedUpAfterDays * day;
    const completedAt = pickedUpAt + settingsOf["order.after_sales_window_days"] * day;
    const completed = completedAt <= now;
    const items = o.items.map(([productId, index, quantity]) => ({ ...skuOf(productId, index), quantity }));
    const breakdown = priceCart({
      now: createdAt,
      lines: items.map((i) => ({
        lineId: i.skuId,
        skuId: i.skuId,
        productId: i.product.id,
        merchantId: DEMO_MERCHANTS[i.product.merchant].id,
        categoryId: DEMO_CATEGORIES.find((c) => c.slug === i.product.category)!.id,
        quantity: i.quantity,
        unitPriceFen: i.sku.priceFen,
      })),
    });
    const key = o.id.slice(4, 22);
    const paymentId = `pay_${key}${String(n).padStart(2, "0")}`;
    const code = `7${o.point}${String(n).padStart(6, "0")}`;
    const rates = JSON.stringify(orderRatesSnapshot(rateSettingsFrom(settingsOf), breakdown.lines.map((l) => ({ categoryId: l.categoryId, goodsFen: l.baseFen }))));
    // A completed order was settled when its window passed: its ledger transaction, as the settlement consumer writes it.
    const settlement = completed
      ? transactionStatements(
          { db },
          { id: `ltx_${key.slice(0, 16)}${String(n).padStart(2, "0")}00`, key: `settle:${o.id}`, kind: "order.settle", orderId: o.id, memo: "order settled" },
          settlementPostings(orderSplit({ leaderUserId: point.leaderId, rates, merchants: netSalesByMerchant(breakdown.lines) })),
          completedAt,
        )
      : [];
    const steps: Array<[string, string | null, string, "user" | "system" | "leader" | "merchant", number]> = [
      ["place", null, "pending_payment", "user", createdAt],
      ["pay", "pending_payment", "paid", "system", createdAt + 2 * 60_000],
      ["cut_off", "paid", "confirmed", "system", createdAt + 3 * hour],
      ["ship", "confirmed", "shipped", "merchant", pickedUpAt - 6 * hour],
      ["arrive", "shipped", "ready_for_pickup", "leader", pickedUpAt - 3 * hour],
      ["pick_up", "ready_for_pickup", "picked_up", "leader", pickedUpAt],
      ...(completed ? [["complete", "picked_up", "completed", "system", completedAt] as [string, string, string, "system", number]] : []),
    ];
    await db.batch([
      db.insert(orders).values({
        id: o.id,
        userId: DEMO_SHOPPERS[o.shopper]!.id,
        pickupPointId: point.id,
        status: completed ? "completed" : "picked_up",
        goodsFen: breakdown.totals.goodsFen,
        discountFen: breakdown.totals.discountFen,
        payableFen: breakdown.totals.payableFen,
        paidFen: breakdown.totals.payableFen,
        pricing: JSON.stringify(breakdown),
        pricingVersion: breakdown.rulesVersion,
        // The same snapshot checkout writes (ADR 015).
        rates,
        pickupCodeEnc: await encryptField(env, "pickup_code", code),
        pickupCodeHash: await lookupHash(env, `pickup:${point.id}`, code),
        payBy: createdAt + 30 * 60_000,
        paidAt: createdAt + 2 * 60_000,
        pickedUpAt,
        completedAt: completed ? completedAt : null,
        settledAt: completed ? completedAt : null,
        createdAt,
        updatedAt: completed ? completedAt : pickedUpAt,
      }),
      db.insert(orderLines).values(
        breakdown.lines.map((l, k) => {
          const item = items[k]!;
          return {
            id: `oli_${key.slice(0, 16)}${String(n).padStart(2, "0")}${String(k).padStart(2, "0")}`,
            orderId: o.id,
            skuId: l.skuId,
            productId: l.productId,
            merchantId: l.merchantId,
            categoryId: l.categoryId,
            title: item.product.titleZh,
            spec: item.sku.specZh,
            imageKey: `products/${item.product.id}/1.svg`,
            quantity: l.quantity,
            unitPriceFen: l.unitPriceFen,
            baseFen: l.baseFen,
            discountFen: l.discountFen,
            payableFen: l.payableFen,
            platformFundedFen: l.platformFundedFen,
            pickedUpQty: l.quantity,
          };
        }),
      ),
      db.insert(payments).values({
        id: paymentId,
        orderId: o.id,
        provider: "sandbox",
        amountFen: breakdown.totals.payableFen,
        status: "succeeded",
        providerTradeNo: `sbx_${paymentId}`,
        createdAt: createdAt + 60_000,
        succeededAt: createdAt + 2 * 60_000,
        expiresAt: createdAt + 30 * 60_000,
      }),
      db.insert(paymentNotifications).values({
        dedupeKey: `sandbox:sbx_${paymentId}:succeeded`,
        paymentId,
        provider: "sandbox",
        status: "succeeded",
        amountFen: breakdown.totals.payableFen,
        outcome: "paid",
        receivedAt: createdAt + 2 * 60_000,
      }),
      // One statement, rows in timeline order (the order_events trigger checks each against the last).
      db.insert(orderEvents).values(
        steps.map(([event, from, to, actor, at], k) => ({
          id: `oev_${key.slice(0, 16)}${String(n).padStart(2, "0")}${String(k).padStart(2, "0")}`,
          orderId: o.id,
          event,
          fromStatus: from,
          toStatus: to,
          actorType: actor,
          actorId: actor === "user" ? DEMO_SHOPPERS[o.shopper]!.id : actor === "leader" ? point.leaderId : actor === "merchant" ? DEMO_MERCHANTS[items[0]!.product.merchant].ownerId : null,
          createdAt: at,
        })),
      ),
      ...(settlement as typeof settlement & Parameters<typeof db.batch>[0]),
      // …and the shopper's points for it, at the normal level's 1 point per yuan.
      ...(completed && pointsForSale(breakdown.totals.payableFen, 100) > 0
        ? [
            db.insert(pointsEntries).values({
              id: `pnt_${key.slice(0, 16)}${String(n).padStart(2, "0")}00`,
              userId: DEMO_SHOPPERS[o.shopper]!.id,
              kind: "earn",
              points: pointsForSale(breakdown.totals.payableFen, 100),
              key: `points:settle:${o.id}`,
              orderId: o.id,
              multiplierPct: 100,
              expiresAt: expiryOf(completedAt),
              createdAt: completedAt,
            }),
          ]
        : []),
    ]);
  }
}
