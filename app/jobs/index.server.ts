import { lt, or, isNotNull, and } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { deleteExpiredSessions } from "~/auth/session.server";
import { signInCodes } from "~/db/schema";
import { expireUnpaidOrders } from "~/modules/orders/orders.server";
import { completeRefunds } from "~/modules/payments/payments.server";
import { runDueCutoff } from "~/modules/fulfilment/cutoff.server";
import { flagUncollectedOrders } from "~/modules/leaders/uncollected.server";
import { runAnalyticsRollups } from "~/modules/analytics/rollup.server";
import { closeOverdueGroups } from "~/modules/group-deals/groups.server";
import { reconcileDueFlashSales } from "~/modules/flash-sales/admin.server";
import { sendDueFlashReminders } from "~/modules/flash-sales/reminders.server";
import { enqueueDueSettlements } from "~/modules/settlement/jobs.server";
import { runDueReconciliation } from "~/modules/settlement/reconcile.server";
import { expireDuePoints } from "~/modules/membership/points.server";
import { expireDueCoupons, grantDueBirthdayGifts, noticeExpiringCoupons } from "~/modules/coupons/jobs.server";

/** Removes sign-in codes a day after they stopped working, and expired sessions. Idempotent. */
export async function housekeeping(ctx: AppContext, now: number): Promise<void> {
  const dayAgo = now - 24 * 60 * 60 * 1000;
  await ctx.db.delete(signInCodes).where(or(lt(signInCodes.expiresAt, dayAgo), and(isNotNull(signInCodes.consumedAt), lt(signInCodes.consumedAt, dayAgo))));
  await deleteExpiredSessions(ctx);
}

/** Runs every job, each whether or not an earlier one failed; then reports the first failure. */
async function runAll(jobs: Array<() => Promise<unknown>>): Promise<void> {
  const results = await Promise.allSettled(jobs.map((job) => job()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

/** Cron dispatch. Every job is idempotent: running it twice for one tick changes nothing more. */
export async function runScheduled(ctx: AppContext, cron: string, scheduledTime: number): Promise<void> {
  switch (cron) {
    case "*/5 * * * *":
      // Housekeeping, refunds left processing or failed (payments.server.ts completeRefunds), and
      // orders left uncollected too long flagged, their leader and shopper told (leaders/uncollected.server.ts),
      // and the analytics rollups: today again, yesterday until final, missing days (analytics/rollup.server.ts),
      // and flash sales whose window is over reconciled, unsold units back on the shelf (flash-sales/admin.server.ts),
      // orders past their after-sales window queued for settlement with refunds after settlement and lost payouts
      // (settlement/jobs.server.ts), once a day after 02:00 the reconciliation of yesterday (settlement/reconcile.server.ts),
      // and points past their validity expired (membership/points.server.ts), and coupons: past their end
      // expired, "ends within 3 days" noticed once, and once a day the birthday gifts (coupons/jobs.server.ts).
      await runAll([
        () => housekeeping(ctx, scheduledTime),
        () => completeRefunds(ctx, scheduledTime),
        () => flagUncollectedOrders(ctx, scheduledTime),
        () => runAnalyticsRollups(ctx, scheduledTime),
        () => reconcileDueFlashSales(ctx, scheduledTime),
        () => enqueueDueSettlements(ctx, scheduledTime),
        () => runDueReconciliation(ctx, scheduledTime),
        () => expireDuePoints(ctx, scheduledTime),
        () => expireDueCoupons(ctx, scheduledTime),
        () => noticeExpiringCoupons(ctx, scheduledTime),
        () => grantDueBirthdayGifts(ctx, scheduledTime),
      ]);
      break;
    case "* * * * *":
      // Also: group deals still open a minute past their deadline are closed (the rooms' alarms
      // normally close them on time; this is the safety net, group-deals/groups.server.ts).
      // And the "notify me" sign-ups of flash sales that have started are sent (flash-sales/reminders.server.ts).
      await runAll([() => expireUnpaidOrders(ctx, scheduledTime), () => closeOverdueGroups(ctx, scheduledTime), () => sendDueFlashReminders(ctx, scheduledTime)]);
      break;
    case "*/2 * * * *":
      // The daily cut-off, once today's configured time has passed (fulfilment/cutoff.server.ts).
      await runDueCutoff(ctx, scheduledTime);
      break;
    default:
      console.warn(`No job for cron "${cron}"`);
  }
}
