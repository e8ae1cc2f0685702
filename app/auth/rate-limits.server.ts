import type { AppContext } from "~/context.server";
import type { RateResult, RateRule } from "~/durable-objects/rate-limiter";

const MIN = 60_000;
const HOUR = 60 * MIN;

/** The platform's limits. Each key gets its own RateLimiter object, so counts are exact. */
export const RATE_LIMITS = {
  codePerTarget: [
    { name: "code-1m", limit: 1, windowMs: MIN },
    { name: "code-1h", limit: 5, windowMs: HOUR },
    { name: "code-24h", limit: 10, windowMs: 24 * HOUR },
  ],
  codePerIp: [{ name: "code-ip-1h", limit: 30, windowMs: HOUR }],
  signInPerTarget: [{ name: "signin-15m", limit: 10, windowMs: 15 * MIN }],
  signInPerIp: [{ name: "signin-ip-15m", limit: 60, windowMs: 15 * MIN }],
  signUpPerIp: [{ name: "signup-ip-1h", limit: 10, windowMs: HOUR }],
} satisfies Record<string, RateRule[]>;

/**
 * The per-IP rules as this deployment applies them: outside production, `RATE_LIMIT_IP_FACTOR`
 * (a whole number ≥ 1) multiplies their limits — the browser suite signs dozens of people in from
 * one address. Production always uses the rules as written.
 */
export function perIpRules(env: Pick<AppContext["env"], "APP_ENV" | "RATE_LIMIT_IP_FACTOR">, rules: RateRule[]): RateRule[] {
  const factor = Number(env.RATE_LIMIT_IP_FACTOR);
  if (env.APP_ENV === "production" || !Number.isSafeInteger(factor) || factor <= 1) return rules;
  return rules.map((r) => ({ ...r, limit: r.limit * factor }));
}

export async function hitRateLimit(ctx: AppContext, key: string, rules: RateRule[]): Promise<RateResult> {
  const stub = ctx.env.RATE_LIMITER.get(ctx.env.RATE_LIMITER.idFromName(key));
  return stub.hit(rules);
}

/** Checks several keys; stops at the first refusal. Keys are hashed targets or IPs, never raw phone numbers. */
export async function hitAll(ctx: AppContext, checks: Array<[string, RateRule[]]>): Promise<RateResult> {
  let remaining = Number.POSITIVE_INFINITY;
  for (const [key, rules] of checks) {
    const r = await hitRateLimit(ctx, key, rules);
    if (!r.allowed) return r;
    remaining = Math.min(remaining, r.remaining);
  }
  return { allowed: true, remaining: Number.isFinite(remaining) ? remaining : 0 };
}
