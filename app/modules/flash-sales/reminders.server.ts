import { and, eq, isNull, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { rawBatch } from "~/db/raw-batch.server";
import { flashSaleReminders, flashSales } from "~/db/schema";
import { formatFen } from "~/lib/format";
import { newId } from "~/lib/ids";
import { pushNotices, type Notice } from "~/modules/notifications/notify.server";
import { isFeatureOn } from "~/modules/settings/settings.server";

/**
 * "Notify me" (提醒我) on an upcoming flash sale (issue 8): a shopper signs up while the sale has
 * not started; when it starts they get one in-app notice (and a Web Push) that links to the sale.
 * One row per (sale, shopper); `sent_at` records that they were told.
 */

/** The kind of the notice a reminder sends (notice-kinds.ts). */
export const FLASH_STARTED_KIND = "order.flash_sale_started";

/** How many reminders one cron run sends at most; the rest go in the next minute's run. */
const RUN_LIMIT = 500;

export type RemindError = "sale_not_found" | "already_started";

/**
 * Signs a shopper up for a sale's start. Only an approved sale that has not started yet (by its
 * public start, whatever the shopper's early access) takes sign-ups; signing up twice is the same
 * as once.
 */
export async function addFlashReminder(ctx: AppContext, userId: string, saleId: string, now = Date.now()): Promise<{ ok: true } | { ok: false; code: RemindError }> {
  const sale = await ctx.db.query.flashSales.findFirst({ where: eq(flashSales.id, saleId), columns: { status: true, startsAt: true } });
  if (!sale || sale.status !== "approved") return { ok: false, code: "sale_not_found" };
  if (sale.startsAt <= now) return { ok: false, code: "already_started" };
  await ctx.db.insert(flashSaleReminders).values({ saleId, userId, createdAt: now }).onConflictDoNothing();
  return { ok: true };
}

/** Withdraws a sign-up that has not been sent yet (a sent one is history and stays). */
export async function removeFlashReminder(ctx: AppContext, userId: string, saleId: string): Promise<void> {
  await ctx.db.delete(flashSaleReminders).where(and(eq(flashSaleReminders.saleId, saleId), eq(flashSaleReminders.userId, userId), isNull(flashSaleReminders.sentAt)));
}

/** Whether the shopper is signed up for this sale's start and not told yet. */
export async function hasFlashReminder(ctx: AppContext, userId: string, saleId: string): Promise<boolean> {
  const row = await ctx.db.query.flashSaleReminders.findFirst({
    where: and(eq(flashSaleReminders.saleId, saleId), eq(flashSaleReminders.userId, userId), isNull(flashSaleReminders.sentAt)),
    columns: { saleId: true },
  });
  return row !== undefined;
}

interface DueRow {
  sale_id: string;
  user_id: string;
  locale: string;
  title_zh: string;
  title_en: string;
  flash_price_fen: number;
}

/**
 * Cron (every minute): tells the shoppers signed up for a sale that has started (`starts_at <=
 * now`, still approved and not ended) and not told yet. Exactly once per sign-up: in ONE D1 batch
 * the inbox rows are written only for sign-ups still unsent, then those sign-ups are marked sent
 * (`sent_at IS NULL` guard) and the update says which it marked; only those are pushed. A second
 * run, or one racing this one, finds nothing left to send. A sale that ended or was paused before
 * its sign-ups were sent is skipped (a late "it started" would be wrong); they stay unsent. While
 * the feature is switched off nothing is sent (the link would lead to a closed page); sign-ups of
 * sales still on go out in the first run after it is switched back on.
 */
export async function sendDueFlashReminders(ctx: AppContext, now: number): Promise<{ sent: number }> {
  if (!(await isFeatureOn(ctx, "feature.flash_sales"))) return { sent: 0 };
  const due = await ctx.db.all<DueRow>(sql`
    SELECT r.sale_id, r.user_id, u.locale, p.title_zh, p.title_en, s.flash_price_fen
    FROM ${flashSaleReminders} r
    JOIN ${flashSales} s ON s.id = r.sale_id
    JOIN users u ON u.id = r.user_id
    JOIN products p ON p.id = s.product_id
    WHERE r.sent_at IS NULL AND s.status = 'approved' AND s.starts_at <= ${now} AND s.ends_at > ${now}
    LIMIT ${RUN_LIMIT}`);
  if (!due.length) return { sent: 0 };
  const notices = due.map((r) => ({
    id: newId("ntf"),
    saleId: r.sale_id,
    userId: r.user_id,
    kind: FLASH_STARTED_KIND,
    data: JSON.stringify({ product: r.locale === "en" ? r.title_en : r.title_zh, price: formatFen(r.flash_price_fen) }),
    link: `/flash-sales/${r.sale_id}`,
  }));
  const keys = JSON.stringify(notices.map((n) => ({ s: n.saleId, u: n.userId })));
  const [, marked] = await rawBatch(ctx, [
    sql`INSERT INTO notifications (id, user_id, kind, data, link, created_at)
      SELECT json_extract(j.value, '$.id'), json_extract(j.value, '$.userId'), json_extract(j.value, '$.kind'), json_extract(j.value, '$.data'), json_extract(j.value, '$.link'), ${now}
      FROM json_each(${JSON.stringify(notices)}) j
      WHERE EXISTS (SELECT 1 FROM flash_sale_reminders r WHERE r.sale_id = json_extract(j.value, '$.saleId') AND r.user_id = json_extract(j.value, '$.userId') AND r.sent_at IS NULL)`,
    sql`UPDATE flash_sale_reminders SET sent_at = ${now}
      WHERE sent_at IS NULL AND EXISTS (SELECT 1 FROM json_each(${keys}) k WHERE json_extract(k.value, '$.s') = flash_sale_reminders.sale_id AND json_extract(k.value, '$.u') = flash_sale_reminders.user_id)
      RETURNING sale_id, user_id`,
  ]);
  const mine = new Set((marked?.results as Array<{ sale_id: string; user_id: string }> | undefined)?.map((r) => `${r.sale_id}/${r.user_id}`) ?? []);
  const sent: Notice[] = notices
    .filter((n) => mine.has(`${n.saleId}/${n.userId}`))
    .map((n) => ({ userId: n.userId, kind: n.kind, data: JSON.parse(n.data) as Record<string, string>, link: n.link }));
  pushNotices(ctx, sent);
  return { sent: sent.length };
}
