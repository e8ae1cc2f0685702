import * as v from "valibot";
import type { OAuthEnv } from "./auth/oauth/index.server";
import type { PaymentEnv } from "./modules/payments/providers";

/**
 * Bindings and settings the Worker receives. `Cloudflare.Env` is generated from wrangler.toml and
 * .dev.vars by `npm run typegen` (worker-configuration.d.ts; `npm run typecheck` fails when it is
 * stale); this adds the optional secrets and narrows the Durable Object namespace.
 * Secrets come from `wrangler secret put` (production) or .dev.vars (local).
 */
export interface Env
  extends Cloudflare.Env,
    OAuthEnv,
    // The payment and OAuth settings are declared once, by the modules that read them.
    Omit<PaymentEnv, "APP_ENV" | "SANDBOX_PAY_SECRET"> {
  RATE_LIMITER: DurableObjectNamespace<import("./durable-objects/rate-limiter").RateLimiter>;
  GROUP_DEAL_ROOM: DurableObjectNamespace<import("./durable-objects/group-deal-room").GroupDealRoom>;
  FLASH_SALE_STOCK: DurableObjectNamespace<import("./durable-objects/flash-sale-stock").FlashSaleStock>;
  SMS_WEBHOOK_URL?: string;
  EMAIL_WEBHOOK_URL?: string;
  MESSAGE_WEBHOOK_SECRET?: string;
  /** Flash-sale load shedding (app/modules/flash-sales/admission.server.ts); defaults 100 and 3000. */
  FLASH_MAX_IN_FLIGHT?: string;
  FLASH_RESERVE_DEADLINE_MS?: string;
  /** The payout provider for withdrawals (app/modules/settlement/payouts.server.ts): "sandbox" (the default, refused in production). */
  PAYOUT_PROVIDER?: string;
  /** Test and bench only: the share of settlement consumer calls that throw (app/queues/index.server.ts); ignored in production. */
  SETTLEMENT_FAULT_RATE?: string;
  /**
   * Test only: multiplies the per-IP sign-in limits (app/auth/rate-limits.server.ts), for the browser
   * suite whose every journey comes from 127.0.0.1; ignored in production.
   */
  RATE_LIMIT_IP_FACTOR?: string;
}

const base64Key = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]{43}=$/, "must be 32 bytes in base64"));

const EnvSchema = v.object({
  APP_ENV: v.picklist(["development", "test", "production"]),
  DATA_KEYS: v.pipe(
    v.string(),
    v.check(
      (s) => s.split(",").every((pair) => /^[A-Za-z0-9_-]+:[A-Za-z0-9+/]{43}=$/.test(pair.trim())),
      'DATA_KEYS must be "id:base64key[,id:base64key…]" with 32-byte keys',
    ),
  ),
  DATA_KEY_ID: v.pipe(v.string(), v.minLength(1)),
  LOOKUP_KEY: base64Key,
  SMS_PROVIDER: v.optional(v.picklist(["outbox", "webhook"]), "outbox"),
  EMAIL_PROVIDER: v.optional(v.picklist(["outbox", "webhook"]), "outbox"),
});

const checked = new WeakSet<object>();

/** Fails fast, with the offending setting named, when the Worker is misconfigured. */
export function assertEnv(env: Env): Env {
  if (checked.has(env)) return env;
  const result = v.safeParse(EnvSchema, env);
  if (!result.success) {
    const issues = result.issues.map((i) => `${v.getDotPath(i) ?? "?"}: ${i.message}`).join("; ");
    throw new Error(`Invalid Worker configuration: ${issues}`);
  }
  if (!env.DATA_KEYS.split(",").some((p) => p.trim().split(":")[0] === env.DATA_KEY_ID)) {
    throw new Error("Invalid Worker configuration: DATA_KEY_ID names no key in DATA_KEYS");
  }
  if (env.APP_ENV === "production" && ((env.SMS_PROVIDER ?? "outbox") === "outbox" || (env.EMAIL_PROVIDER ?? "outbox") === "outbox")) {
    // Production must deliver real messages; the outbox is a development tool.
    throw new Error("Invalid Worker configuration: the outbox message provider is not allowed in production");
  }
  checked.add(env);
  return env;
}

export const isDevelopment = (env: Pick<Env, "APP_ENV">) => env.APP_ENV === "development" || env.APP_ENV === "test";
