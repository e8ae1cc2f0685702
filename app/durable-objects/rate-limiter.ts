import { DurableObject } from "cloudflare:workers";
import type { Env } from "~/env.server";

export interface RateRule {
  /** A name unique within this limiter's key, e.g. "per-minute". */
  name: string;
  limit: number;
  windowMs: number;
}

const MAX_WINDOW_MS = 24 * 60 * 60 * 1000;

export type RateResult = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

/**
 * Exact sliding-window rate limiting, one object per key (e.g. "code:phone:<hash>").
 * The object is single-threaded and SQLite calls are synchronous, so check-then-insert cannot
 * interleave: N concurrent calls against a limit of L allow exactly min(N, L).
 */
export class RateLimiter extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS hits (rule TEXT NOT NULL, at INTEGER NOT NULL)");
    this.sql.exec("CREATE INDEX IF NOT EXISTS hits_rule_at ON hits (rule, at)");
  }

  /** Records one hit against every rule, or none if any rule is exhausted. */
  async hit(rules: RateRule[], now: number = Date.now()): Promise<RateResult> {
    if (rules.length === 0 || rules.some((r) => r.limit < 1 || r.windowMs < 1 || r.windowMs > MAX_WINDOW_MS)) {
      throw new RangeError("Rate rules need a limit ≥ 1 and a window between 1 ms and one day");
    }
    let retryAfterMs = 0;
    let remaining = Number.POSITIVE_INFINITY;
    for (const rule of rules) {
      const since = now - rule.windowMs;
      const row = this.sql
        .exec<{ n: number; oldest: number | null }>(
          "SELECT count(*) AS n, min(at) AS oldest FROM hits WHERE rule = ? AND at > ?",
          rule.name,
          since,
        )
        .one();
      if (row.n >= rule.limit) {
        retryAfterMs = Math.max(retryAfterMs, (row.oldest ?? now) + rule.windowMs - now);
      } else {
        remaining = Math.min(remaining, rule.limit - row.n - 1);
      }
    }
    if (retryAfterMs > 0) return { allowed: false, retryAfterMs };
    for (const rule of rules) this.sql.exec("INSERT INTO hits (rule, at) VALUES (?, ?)", rule.name, now);
    const longest = Math.max(...rules.map((r) => r.windowMs));
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm < now + longest) await this.ctx.storage.setAlarm(now + longest + 1000);
    return { allowed: true, remaining: Number.isFinite(remaining) ? remaining : 0 };
  }

  /** Forgets the hits of the named rules (e.g. failed attempts after a successful sign-in). */
  async reset(ruleNames: string[]): Promise<void> {
    for (const name of ruleNames) this.sql.exec("DELETE FROM hits WHERE rule = ?", name);
  }

  override async alarm(): Promise<void> {
    // Drop hits older than the longest window any caller uses (one day is the ceiling we allow).
    this.sql.exec("DELETE FROM hits WHERE at < ?", Date.now() - MAX_WINDOW_MS);
    const left = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM hits").one().n;
    if (left > 0) await this.ctx.storage.setAlarm(Date.now() + 60 * 60 * 1000);
  }
}
