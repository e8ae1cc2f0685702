import { sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { rawBatch, type BatchStatement } from "~/db/raw-batch.server";
import { newId } from "~/lib/ids";
import { pushNotices } from "./push.server";

export { pushNotices };

/**
 * One notification to one user: `kind` names the message (its text is rendered in the reader's
 * language from the `notices.kinds.<kind>` translations, with `data` as the values), `link` is the
 * in-app path it opens.
 */
export interface Notice {
  userId: string;
  kind: string;
  data?: Record<string, string | number>;
  link?: string;
}

/** The statement that stores these notices in the in-app inbox (to include in a caller's batch). */
export function noticeStatement(notices: readonly Notice[], now = Date.now()): BatchStatement {
  const rows = JSON.stringify(notices.map((n) => ({ id: newId("ntf"), userId: n.userId, kind: n.kind, data: JSON.stringify(n.data ?? {}), link: n.link ?? null })));
  return sql`INSERT INTO notifications (id, user_id, kind, data, link, created_at)
    SELECT json_extract(j.value, '$.id'), json_extract(j.value, '$.userId'), json_extract(j.value, '$.kind'), json_extract(j.value, '$.data'), json_extract(j.value, '$.link'), ${now}
    FROM json_each(${rows}) j`;
}

/**
 * Notifies users: the in-app inbox rows are written now; the Web Push delivery to their devices
 * runs after the response (ctx.waitUntil). Never throws for a delivery problem.
 *
 * A caller that writes the rows in its own batch (`noticeStatement`) calls `pushNotices(ctx,
 * notices)` once that batch has succeeded.
 */
export async function notify(ctx: AppContext, notices: readonly Notice[]): Promise<void> {
  if (!notices.length) return;
  await rawBatch(ctx, [noticeStatement(notices)]);
  pushNotices(ctx, notices);
}
