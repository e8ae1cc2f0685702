import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { hitAll, perIpRules, RATE_LIMITS } from "~/auth/rate-limits.server";
import { signInCodes, users } from "~/db/schema";
import { lookupHash } from "~/lib/field-crypto.server";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { sendMessage } from "~/modules/notifications/messaging.server";
import { normaliseEmail, normalisePhone } from "./schemas";
import { translate } from "~/i18n/i18n";

export const CODE_TTL_MS = 10 * 60 * 1000;
export const CODE_MAX_ATTEMPTS = 5;

export type CodeTarget = { channel: "sms"; phone: string } | { channel: "email"; email: string };

export function normaliseTarget(t: CodeTarget): { channel: "sms" | "email"; value: string; field: "phone" | "email" } {
  return t.channel === "sms"
    ? { channel: "sms", value: normalisePhone(t.phone), field: "phone" }
    : { channel: "email", value: normaliseEmail(t.email), field: "email" };
}

/** A uniformly random 6-digit code (rejection sampling, no modulo bias). */
export function generateCode(): string {
  const buf = new Uint32Array(1);
  const limit = Math.floor(0x1_0000_0000 / 1_000_000) * 1_000_000;
  for (;;) {
    crypto.getRandomValues(buf);
    if (buf[0]! < limit) return String(buf[0]! % 1_000_000).padStart(6, "0");
  }
}

async function codeHash(ctx: AppContext, codeId: string, code: string) {
  return lookupHash(ctx.env, "sign-in-code", `${codeId}:${code}`);
}

export async function targetHash(ctx: AppContext, channel: "sms" | "email", value: string) {
  return lookupHash(ctx.env, channel === "sms" ? "phone" : "email", value);
}

export type RequestCodeError = "rate_limited";

/** Sends a fresh code. Earlier unused codes for the same target stop working. */
export async function requestSignInCode(
  ctx: AppContext,
  target: CodeTarget,
  opts: { ip: string; locale: string },
): Promise<Result<{ expiresAt: number }, RequestCodeError>> {
  const t = normaliseTarget(target);
  const hash = await targetHash(ctx, t.channel, t.value);
  const limit = await hitAll(ctx, [
    [`code:ip:${opts.ip}`, perIpRules(ctx.env, RATE_LIMITS.codePerIp)],
    [`code:${t.channel}:${hash}`, RATE_LIMITS.codePerTarget],
  ]);
  if (!limit.allowed) return fail("rate_limited", t.field, limit.retryAfterMs);

  const now = Date.now();
  const id = newId("sic");
  const code = generateCode();
  await ctx.db.batch([
    ctx.db
      .update(signInCodes)
      .set({ consumedAt: now })
      .where(and(eq(signInCodes.targetHash, hash), isNull(signInCodes.consumedAt))),
    ctx.db.insert(signInCodes).values({
      id,
      channel: t.channel,
      targetHash: hash,
      codeHash: await codeHash(ctx, id, code),
      attempts: 0,
      expiresAt: now + CODE_TTL_MS,
      createdAt: now,
    }),
  ]);
  const text = translate(opts.locale, "auth.codeMessage", { code, minutes: CODE_TTL_MS / 60_000 });
  await sendMessage(ctx, {
    channel: t.channel,
    to: t.value,
    subject: t.channel === "email" ? translate(opts.locale, "auth.codeSubject") : undefined,
    body: text,
  });
  return ok({ expiresAt: now + CODE_TTL_MS });
}

export type VerifyCodeError = "rate_limited" | "code_invalid" | "code_expired" | "code_attempts" | "account_disabled";

/**
 * Checks a code: single use (consumed by a conditional update, so two concurrent correct
 * submissions cannot both succeed), expires after 10 minutes, at most 5 tries per code.
 * A correct code for a disabled account is refused with `account_disabled` (only after the code
 * proved the person owns the phone or email, so the answer tells nobody else the account's state).
 */
export async function verifySignInCode(
  ctx: AppContext,
  target: CodeTarget,
  code: string,
  opts: { ip: string },
): Promise<Result<{ channel: "sms" | "email"; value: string; targetHash: string }, VerifyCodeError>> {
  const t = normaliseTarget(target);
  const hash = await targetHash(ctx, t.channel, t.value);
  const limit = await hitAll(ctx, [
    [`signin:ip:${opts.ip}`, perIpRules(ctx.env, RATE_LIMITS.signInPerIp)],
    [`signin:${t.channel}:${hash}`, RATE_LIMITS.signInPerTarget],
  ]);
  if (!limit.allowed) return fail("rate_limited", "code", limit.retryAfterMs);

  const now = Date.now();
  const row = await ctx.db.query.signInCodes.findFirst({
    where: and(eq(signInCodes.targetHash, hash), isNull(signInCodes.consumedAt)),
    orderBy: desc(signInCodes.createdAt),
  });
  if (!row) return fail("code_invalid", "code");
  if (row.expiresAt <= now) return fail("code_expired", "code");
  if (row.attempts >= CODE_MAX_ATTEMPTS) return fail("code_attempts", "code");

  if ((await codeHash(ctx, row.id, code)) !== row.codeHash) {
    // Count the failed try; the fifth one burns the code.
    const [updated] = await ctx.db
      .update(signInCodes)
      .set({
        attempts: sql`${signInCodes.attempts} + 1`,
        consumedAt: sql`CASE WHEN ${signInCodes.attempts} + 1 >= ${CODE_MAX_ATTEMPTS} THEN ${now} ELSE NULL END`,
      })
      .where(and(eq(signInCodes.id, row.id), isNull(signInCodes.consumedAt)))
      .returning({ attempts: signInCodes.attempts });
    return fail(updated && updated.attempts >= CODE_MAX_ATTEMPTS ? "code_attempts" : "code_invalid", "code");
  }

  const consumed = await ctx.db
    .update(signInCodes)
    .set({ consumedAt: now })
    .where(
      and(
        eq(signInCodes.id, row.id),
        isNull(signInCodes.consumedAt),
        gt(signInCodes.expiresAt, now),
        sql`${signInCodes.attempts} < ${CODE_MAX_ATTEMPTS}`,
      ),
    )
    .returning({ id: signInCodes.id });
  if (consumed.length !== 1) return fail("code_invalid", "code");
  const owner = await ctx.db.query.users.findFirst({
    where: t.channel === "sms" ? eq(users.phoneHash, hash) : eq(users.email, t.value),
    columns: { status: true },
  });
  if (owner && owner.status !== "active") return fail("account_disabled", "code");
  return ok({ channel: t.channel, value: t.value, targetHash: hash });
}
