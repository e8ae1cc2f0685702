import { sql, type SQL } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { abortWhen, isGuardAbort, isUniqueViolation, rawBatch, readBatch, type BatchStatement } from "~/db/raw-batch.server";
import { pointsEntries, reviews } from "~/db/schema";
import { purgeCatalogueStatement } from "~/lib/edge-cache.server";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";
import { IMAGE_EXT, imageDimensions, sniffImageType } from "~/modules/catalog/images";
import { expiryOf } from "~/modules/membership/points";
import { noticeStatement, pushNotices, type Notice } from "~/modules/notifications/notify.server";
import { getSettings } from "~/modules/settings/settings.server";
import {
  EMPTY_STATS,
  filterCount,
  GOOD_RATING_MIN,
  HIGHLIGHTS_SHOWN,
  isReviewableLine,
  LOW_RATING_MAX,
  MAX_REVIEW_PHOTO_BYTES,
  MAX_REVIEW_PHOTOS,
  maskName,
  pageCount,
  parsePhotoKeys,
  REVIEW_PAGE_SIZE,
  reviewPhotoUrl,
  summarise,
  type AdminReviewFilter,
  type CreateReviewErrorCode,
  type MerchantReviewFilter,
  type ProductReviewFilter,
  type ReviewSummary,
} from "./reviews";

/**
 * Reviews (issue 10 part 5): writing one (with its photos in R2 and its points, in one D1 batch),
 * the product page's summary and lists, the merchant's replies and the admins' moderation. Every
 * change a product page shows bumps the edge cache's catalogue version in the same batch
 * (ADR 011), so anonymous visitors see a new, hidden or answered review at once.
 */

export interface ReviewView {
  id: string;
  rating: number;
  body: string;
  /** Photo URLs (`/review-photos/…`). */
  photos: string[];
  /** The reviewer's name, masked (张**). */
  name: string;
  spec: string;
  createdAt: number;
  reply: string | null;
  repliedAt: number | null;
}

interface ReviewRow {
  id: string;
  rating: number;
  body: string;
  photos: string;
  spec: string;
  created_at: number;
  reply: string | null;
  replied_at: number | null;
  display_name: string | null;
}

const VIEW_COLUMNS = sql.raw("r.id, r.rating, r.body, r.photos, r.spec, r.created_at, r.reply, r.replied_at, u.display_name");

function toView(r: ReviewRow): ReviewView {
  return {
    id: r.id,
    rating: Number(r.rating),
    body: r.body,
    photos: parsePhotoKeys(r.photos).map(reviewPhotoUrl),
    name: maskName(r.display_name),
    spec: r.spec,
    createdAt: Number(r.created_at),
    reply: r.reply,
    repliedAt: r.replied_at === null ? null : Number(r.replied_at),
  };
}

interface StatsRow {
  s1: number;
  s2: number;
  s3: number;
  s4: number;
  s5: number;
  p: number;
}

const statsQuery = (productId: string) =>
  sql`SELECT stars_1 AS s1, stars_2 AS s2, stars_3 AS s3, stars_4 AS s4, stars_5 AS s5, with_photos AS p FROM product_review_stats WHERE product_id = ${productId}`;

function summaryOf(rows: StatsRow[]): ReviewSummary {
  const s = rows[0];
  return summarise(s ? { stars1: s.s1, stars2: s.s2, stars3: s.s3, stars4: s.s4, stars5: s.s5, withPhotos: s.p } : EMPTY_STATS);
}

// ---------------------------------------------------------------------------------------------
// The product page

export interface ProductReviewSummary {
  summary: ReviewSummary;
  /** The best recent reviews: good ones with photos first, then good ones, newest first. */
  highlights: ReviewView[];
}

/**
 * The product page's block: one D1 round trip, the per-product counts (one row, kept by triggers)
 * and the highlights (walking the product's rank index backwards, no sort).
 */
export async function getProductReviewSummary(ctx: AppContext, productId: string): Promise<ProductReviewSummary> {
  const [stats, highlights] = await readBatch<[StatsRow, ReviewRow]>(ctx, [
    statsQuery(productId),
    sql`SELECT ${VIEW_COLUMNS} FROM reviews r JOIN users u ON u.id = r.user_id
        WHERE r.product_id = ${productId} AND r.status = 'visible' AND r.rank >= 1
        ORDER BY r.rank DESC, r.created_at DESC LIMIT ${HIGHLIGHTS_SHOWN}`,
  ]);
  return { summary: summaryOf(stats), highlights: highlights.map(toView) };
}

const PRODUCT_FILTER_SQL: Record<ProductReviewFilter, SQL> = {
  all: sql``,
  photos: sql` AND r.photo_count > 0`,
  good: sql` AND r.rating >= ${GOOD_RATING_MIN}`,
  bad: sql` AND r.rating <= ${LOW_RATING_MAX}`,
};

export interface ProductReviewPage {
  product: { id: string; title: string };
  summary: ReviewSummary;
  items: ReviewView[];
  filter: ProductReviewFilter;
  page: number;
  pages: number;
  total: number;
}

/** One page of a product's visible reviews (newest first), with the counts for the filter tabs; null for an unknown product. */
export async function listProductReviews(
  ctx: AppContext,
  productId: string,
  opts: { filter: ProductReviewFilter; page: number; locale: string; pageSize?: number },
): Promise<ProductReviewPage | null> {
  const size = opts.pageSize ?? REVIEW_PAGE_SIZE;
  const [productRows, stats, items] = await readBatch<[{ id: string; title_zh: string; title_en: string }, StatsRow, ReviewRow]>(ctx, [
    sql`SELECT id, title_zh, title_en FROM products WHERE id = ${productId} AND status = 'on_shelf'`,
    statsQuery(productId),
    sql`SELECT ${VIEW_COLUMNS} FROM reviews r JOIN users u ON u.id = r.user_id
        WHERE r.product_id = ${productId} AND r.status = 'visible'${PRODUCT_FILTER_SQL[opts.filter]}
        ORDER BY r.created_at DESC, r.rowid DESC LIMIT ${size} OFFSET ${(opts.page - 1) * size}`,
  ]);
  const product = productRows[0];
  if (!product) return null;
  const summary = summaryOf(stats);
  const total = filterCount(summary, opts.filter);
  return {
    product: { id: product.id, title: opts.locale === "en" ? product.title_en : product.title_zh },
    summary,
    items: items.map(toView),
    filter: opts.filter,
    page: opts.page,
    pages: pageCount(total, size),
    total,
  };
}

// ---------------------------------------------------------------------------------------------
// The shopper

/** Per line of an order: whether it may be reviewed now and the review it already has. */
export async function getOrderReviewStates(ctx: AppContext, userId: string, orderId: string): Promise<Record<string, { canReview: boolean; reviewId: string | null }>> {
  const rows = await ctx.db.all<{ id: string; status: string; picked_up_qty: number; review_id: string | null }>(sql`
    SELECT l.id, o.status, l.picked_up_qty, r.id AS review_id
    FROM order_lines l JOIN orders o ON o.id = l.order_id LEFT JOIN reviews r ON r.order_line_id = l.id
    WHERE l.order_id = ${orderId} AND o.user_id = ${userId}`);
  return Object.fromEntries(
    rows.map((r) => [r.id, { canReview: r.review_id === null && isReviewableLine(r.status, { pickedUpQty: Number(r.picked_up_qty) }), reviewId: r.review_id }]),
  );
}

export interface ReviewTarget {
  orderId: string;
  lineId: string;
  productId: string;
  title: string;
  spec: string;
  imageKey: string | null;
  reviewable: boolean;
  review: (ReviewView & { status: string }) | null;
  points: number;
}

/** The line a shopper would review: only their own order's line; null otherwise. */
export async function getReviewTarget(ctx: AppContext, userId: string, orderId: string, lineId: string): Promise<ReviewTarget | null> {
  const row = await ctx.db.get<{
    status: string;
    product_id: string;
    title: string;
    spec: string;
    image_key: string | null;
    picked_up_qty: number;
    review_id: string | null;
  }>(sql`SELECT o.status, l.product_id, l.title, l.spec, l.image_key, l.picked_up_qty, r.id AS review_id
    FROM order_lines l JOIN orders o ON o.id = l.order_id LEFT JOIN reviews r ON r.order_line_id = l.id
    WHERE l.id = ${lineId} AND l.order_id = ${orderId} AND o.user_id = ${userId}`);
  if (!row) return null;
  const review = row.review_id
    ? await ctx.db.get<ReviewRow & { status: string }>(sql`SELECT ${VIEW_COLUMNS}, r.status FROM reviews r JOIN users u ON u.id = r.user_id WHERE r.id = ${row.review_id}`)
    : null;
  const { "review.points": points } = await getSettings(ctx, ["review.points"]);
  return {
    orderId,
    lineId,
    productId: row.product_id,
    title: row.title,
    spec: row.spec,
    imageKey: row.image_key,
    reviewable: isReviewableLine(row.status, { pickedUpQty: Number(row.picked_up_qty) }),
    review: review ? { ...toView(review), status: review.status } : null,
    points,
  };
}

export type CreateReviewError = CreateReviewErrorCode;

/**
 * Writes a shopper's review of one picked-up line: the photos to R2 (checked by their bytes:
 * JPEG, PNG or WebP, ≤ 5 MB, a readable header), then ONE batch — a guard that the order is still
 * the shopper's and collected, the review (the unique line index makes it one per line, however
 * many tabs race), its points (`review:<id>`, once by the ledger's unique key) and the edge-cache
 * purge. A retry with the same `idempotencyKey` answers the review it wrote.
 */
export async function createReview(
  ctx: AppContext,
  input: { userId: string; orderId: string; lineId: string; rating: number; body: string; photos: File[]; idempotencyKey?: string },
): Promise<Result<{ reviewId: string; points: number; replayed: boolean }, CreateReviewError>> {
  const line = await ctx.db.get<{ status: string; product_id: string; sku_id: string; merchant_id: string; spec: string; picked_up_qty: number }>(sql`
    SELECT o.status, l.product_id, l.sku_id, l.merchant_id, l.spec, l.picked_up_qty
    FROM order_lines l JOIN orders o ON o.id = l.order_id
    WHERE l.id = ${input.lineId} AND l.order_id = ${input.orderId} AND o.user_id = ${input.userId}`);
  if (!line) return fail("line_not_found");
  const existing = await ctx.db.get<{ id: string; idempotency_key: string | null }>(sql`SELECT id, idempotency_key FROM reviews WHERE order_line_id = ${input.lineId}`);
  if (existing) {
    if (input.idempotencyKey && existing.idempotency_key === input.idempotencyKey) return ok({ reviewId: existing.id, points: await pointsOf(ctx, existing.id), replayed: true });
    return fail("already_reviewed");
  }
  if (!isReviewableLine(line.status, { pickedUpQty: Number(line.picked_up_qty) })) return fail("not_picked_up");

  const files = input.photos.filter((f) => f.size > 0);
  if (files.length > MAX_REVIEW_PHOTOS) return fail("too_many_photos", "photos");
  const checked: Array<{ bytes: Uint8Array; type: string; ext: string }> = [];
  for (const file of files) {
    if (file.size > MAX_REVIEW_PHOTO_BYTES) return fail("photo_too_large", "photos");
    const bytes = new Uint8Array(await file.arrayBuffer());
    const type = sniffImageType(bytes);
    if (!type) return fail("photo_type", "photos");
    if (!imageDimensions(bytes, type)) return fail("photo_unreadable", "photos");
    checked.push({ bytes, type, ext: IMAGE_EXT[type] });
  }

  const reviewId = newId("rev");
  const keys = checked.map((p, i) => `reviews/${reviewId}/${i + 1}.${p.ext}`);
  const { "review.points": points } = await getSettings(ctx, ["review.points"]);
  const now = Date.now();
  await Promise.all(checked.map((p, i) => ctx.env.IMAGES.put(keys[i]!, p.bytes, { httpMetadata: { contentType: p.type } })));
  const statements: BatchStatement[] = [
    abortWhen(
      sql`NOT EXISTS (SELECT 1 FROM order_lines l JOIN orders o ON o.id = l.order_id
        WHERE l.id = ${input.lineId} AND l.order_id = ${input.orderId} AND o.user_id = ${input.userId}
          AND o.status IN ('picked_up', 'completed') AND l.picked_up_qty > 0)`,
      "review_not_allowed",
    ),
    ctx.db.insert(reviews).values({
      id: reviewId,
      orderId: input.orderId,
      orderLineId: input.lineId,
      userId: input.userId,
      productId: line.product_id,
      skuId: line.sku_id,
      merchantId: line.merchant_id,
      spec: line.spec,
      rating: input.rating,
      body: input.body,
      photos: JSON.stringify(keys),
      idempotencyKey: input.idempotencyKey ?? null,
      createdAt: now,
      updatedAt: now,
    }),
    ...(points > 0
      ? [
          ctx.db.insert(pointsEntries).values({
            id: newId("pnt"),
            userId: input.userId,
            kind: "review",
            points,
            key: `review:${reviewId}`,
            orderId: input.orderId,
            expiresAt: expiryOf(now),
            createdAt: now,
          }),
        ]
      : []),
    purgeCatalogueStatement(ctx, now),
  ];
  try {
    await rawBatch(ctx, statements);
  } catch (error) {
    await Promise.all(keys.map((k) => ctx.env.IMAGES.delete(k)));
    if (isUniqueViolation(error, "reviews.order_line_id")) {
      // Another request wrote it first; the same key's replay answers that one.
      const winner = await ctx.db.get<{ id: string; idempotency_key: string | null }>(sql`SELECT id, idempotency_key FROM reviews WHERE order_line_id = ${input.lineId}`);
      if (winner && input.idempotencyKey && winner.idempotency_key === input.idempotencyKey) return ok({ reviewId: winner.id, points: await pointsOf(ctx, winner.id), replayed: true });
      return fail("already_reviewed");
    }
    if (isGuardAbort(error)) return fail("not_picked_up");
    throw error;
  }
  return ok({ reviewId, points: points > 0 ? points : 0, replayed: false });
}

async function pointsOf(ctx: AppContext, reviewId: string): Promise<number> {
  const row = await ctx.db.get<{ points: number } | undefined>(sql`SELECT points FROM points_entries WHERE key = ${`review:${reviewId}`}`);
  return row ? Number(row.points) : 0;
}

// ---------------------------------------------------------------------------------------------
// Merchants and admins

export interface ConsoleReviewView extends ReviewView {
  productId: string;
  productTitle: string;
  status: "visible" | "hidden";
  hiddenReason: string | null;
  hiddenAt: number | null;
}

interface ConsoleRow extends ReviewRow {
  product_id: string;
  title: string;
  status: "visible" | "hidden";
  hidden_reason: string | null;
  hidden_at: number | null;
  user_id: string;
  merchant_name: string;
}

const CONSOLE_COLUMNS = sql.raw(
  "r.id, r.rating, r.body, r.photos, r.spec, r.created_at, r.reply, r.replied_at, u.display_name, r.product_id, l.title, r.status, r.hidden_reason, r.hidden_at, r.user_id, (SELECT m.name FROM merchants m WHERE m.id = r.merchant_id) AS merchant_name",
);

function toConsoleView(r: ConsoleRow): ConsoleReviewView {
  return { ...toView(r), productId: r.product_id, productTitle: r.title, status: r.status, hiddenReason: r.hidden_reason, hiddenAt: r.hidden_at === null ? null : Number(r.hidden_at) };
}

const MERCHANT_FILTER_SQL: Record<MerchantReviewFilter, SQL> = {
  all: sql``,
  unanswered: sql` AND r.reply IS NULL`,
  low: sql` AND r.rating <= ${LOW_RATING_MAX}`,
};

/** A merchant's reviews (of its own products only), newest first, hidden ones included and marked. */
export async function listMerchantReviews(ctx: AppContext, merchantId: string, opts: { filter: MerchantReviewFilter; page: number }) {
  const size = REVIEW_PAGE_SIZE;
  const [rows, counts] = await readBatch<[ConsoleRow, { total: number; unanswered: number; low: number }]>(ctx, [
    sql`SELECT ${CONSOLE_COLUMNS} FROM reviews r JOIN users u ON u.id = r.user_id JOIN order_lines l ON l.id = r.order_line_id
        WHERE r.merchant_id = ${merchantId}${MERCHANT_FILTER_SQL[opts.filter]}
        ORDER BY r.created_at DESC, r.rowid DESC LIMIT ${size} OFFSET ${(opts.page - 1) * size}`,
    sql`SELECT count(*) AS total, coalesce(sum(r.reply IS NULL), 0) AS unanswered, coalesce(sum(r.rating <= ${LOW_RATING_MAX}), 0) AS low
        FROM reviews r WHERE r.merchant_id = ${merchantId}`,
  ]);
  const c = counts[0] ?? { total: 0, unanswered: 0, low: 0 };
  const tabs = { all: Number(c.total), unanswered: Number(c.unanswered), low: Number(c.low) };
  return { items: rows.map(toConsoleView), counts: tabs, filter: opts.filter, page: opts.page, pages: pageCount(tabs[opts.filter], size) };
}

export type ReplyError = "review_not_found";

/**
 * A merchant's reply (one per review, editable): only to a review of its own products. The first
 * reply tells the shopper in their inbox (same batch); edits do not notify again.
 */
export async function replyToReview(ctx: AppContext, input: { merchantId: string; userId: string; reviewId: string; reply: string }): Promise<Result<{ first: boolean }, ReplyError>> {
  const review = await ctx.db.get<{ user_id: string; order_id: string; product_id: string; replied_at: number | null; title: string }>(sql`
    SELECT r.user_id, r.order_id, r.product_id, r.replied_at, l.title FROM reviews r JOIN order_lines l ON l.id = r.order_line_id
    WHERE r.id = ${input.reviewId} AND r.merchant_id = ${input.merchantId}`);
  if (!review) return fail("review_not_found", "reviewId");
  const now = Date.now();
  const first = review.replied_at === null;
  const notices: Notice[] = first ? [{ userId: review.user_id, kind: "order.review_replied", data: { product: review.title }, link: `/products/${review.product_id}/reviews` }] : [];
  await rawBatch(ctx, [
    sql`UPDATE reviews SET reply = ${input.reply}, replied_by = ${input.userId}, replied_at = ${now}, updated_at = ${now}
        WHERE id = ${input.reviewId} AND merchant_id = ${input.merchantId}`,
    ...(notices.length ? [noticeStatement(notices, now)] : []),
    purgeCatalogueStatement(ctx, now),
  ]);
  if (notices.length) pushNotices(ctx, notices);
  return ok({ first });
}

const ADMIN_FILTER_SQL: Record<AdminReviewFilter, SQL> = {
  all: sql`1 = 1`,
  low: sql`r.rating <= ${LOW_RATING_MAX}`,
  hidden: sql`r.status = 'hidden'`,
};

/** Every review for the admins, newest first, with the reviewer's real name for moderation. */
export async function listAdminReviews(ctx: AppContext, opts: { filter: AdminReviewFilter; page: number }) {
  const size = REVIEW_PAGE_SIZE;
  const [rows, counts] = await readBatch<[ConsoleRow, { total: number; low: number; hidden: number }]>(ctx, [
    sql`SELECT ${CONSOLE_COLUMNS} FROM reviews r JOIN users u ON u.id = r.user_id JOIN order_lines l ON l.id = r.order_line_id
        WHERE ${ADMIN_FILTER_SQL[opts.filter]}
        ORDER BY r.created_at DESC, r.rowid DESC LIMIT ${size} OFFSET ${(opts.page - 1) * size}`,
    sql`SELECT count(*) AS total, coalesce(sum(r.rating <= ${LOW_RATING_MAX}), 0) AS low, (SELECT count(*) FROM reviews h WHERE h.status = 'hidden') AS hidden FROM reviews r`,
  ]);
  const c = counts[0] ?? { total: 0, low: 0, hidden: 0 };
  const tabs = { all: Number(c.total), low: Number(c.low), hidden: Number(c.hidden) };
  return {
    items: rows.map((r) => ({ ...toConsoleView(r), userId: r.user_id, userName: r.display_name ?? "", merchantName: r.merchant_name })),
    counts: tabs,
    filter: opts.filter,
    page: opts.page,
    pages: pageCount(tabs[opts.filter], size),
  };
}

export type ModerateError = "review_not_found" | "already_hidden" | "not_hidden";

/**
 * Hides a review from the product page and its aggregates (the triggers move the counts), or
 * shows it again; the reason goes to the audit log in the same batch. Points earned stay.
 */
export async function moderateReview(
  ctx: AppContext,
  input: { adminId: string; reviewId: string; hide: boolean; reason: string },
): Promise<Result<null, ModerateError>> {
  const review = await ctx.db.get<{ status: string; product_id: string; rating: number }>(sql`SELECT status, product_id, rating FROM reviews WHERE id = ${input.reviewId}`);
  if (!review) return fail("review_not_found", "reviewId");
  const from = input.hide ? "visible" : "hidden";
  if (review.status !== from) return fail(input.hide ? "already_hidden" : "not_hidden");
  const now = Date.now();
  try {
    await rawBatch(ctx, [
      abortWhen(sql`NOT EXISTS (SELECT 1 FROM reviews WHERE id = ${input.reviewId} AND status = ${from})`, "review_state_conflict"),
      input.hide
        ? sql`UPDATE reviews SET status = 'hidden', hidden_reason = ${input.reason}, hidden_by = ${input.adminId}, hidden_at = ${now}, updated_at = ${now} WHERE id = ${input.reviewId}`
        : sql`UPDATE reviews SET status = 'visible', hidden_reason = NULL, hidden_by = NULL, hidden_at = NULL, updated_at = ${now} WHERE id = ${input.reviewId}`,
      auditStatement(ctx, {
        actorUserId: input.adminId,
        action: input.hide ? "review.hide" : "review.unhide",
        entityType: "review",
        entityId: input.reviewId,
        data: { reason: input.reason, productId: review.product_id, rating: Number(review.rating) },
      }),
      purgeCatalogueStatement(ctx, now),
    ]);
  } catch (error) {
    if (isGuardAbort(error)) return fail(input.hide ? "already_hidden" : "not_hidden");
    throw error;
  }
  return ok(null);
}

// ---------------------------------------------------------------------------------------------
// Photos

/**
 * A review photo for the `/review-photos/…` route: a visible review's photos are public; a hidden
 * review's only for the admins who moderate (`moderator`), and never cached by shared caches.
 */
export async function getReviewPhoto(ctx: AppContext, reviewId: string, file: string, moderator: () => Promise<boolean>): Promise<{ object: R2ObjectBody; visible: boolean } | null> {
  const row = await ctx.db.get<{ status: string; photos: string } | undefined>(sql`SELECT status, photos FROM reviews WHERE id = ${reviewId}`);
  if (!row) return null;
  const key = `reviews/${reviewId}/${file}`;
  if (!parsePhotoKeys(row.photos).includes(key)) return null;
  const visible = row.status === "visible";
  if (!visible && !(await moderator())) return null;
  const object = await ctx.env.IMAGES.get(key);
  return object ? { object, visible } : null;
}
