/**
 * The payment provider layer's entry point. See docs/decisions/010-payment-providers.md.
 */
import { AlipayProvider, type AlipayProduct } from "./alipay";
import { SandboxProvider } from "./sandbox";
import type { PaymentProvider, ProviderName } from "./types";
import { WechatPayProvider } from "./wechat-pay";

export type * from "./types";
export { PaymentProviderError } from "./types";
export { SandboxNotificationBody, signSandboxNotification, type SandboxNotificationPayload } from "./sandbox";
export { fenToYuanString, yuanStringToFen } from "./money";

/** The settings the providers read. The Worker's Env satisfies it; every payment setting is optional. */
export interface PaymentEnv {
  APP_ENV?: string;
  WECHATPAY_MCH_ID?: string;
  WECHATPAY_APP_ID?: string;
  WECHATPAY_MCH_SERIAL?: string;
  /** Merchant API private key, PEM. */
  WECHATPAY_PRIVATE_KEY?: string;
  /** APIv3 key, 32 ASCII characters. */
  WECHATPAY_API_V3_KEY?: string;
  /** JSON object: platform certificate serial or WeChat Pay public key id → PEM (certificate or public key). */
  WECHATPAY_PLATFORM_CERTS?: string;
  WECHATPAY_BASE_URL?: string;
  ALIPAY_APP_ID?: string;
  ALIPAY_PRIVATE_KEY?: string;
  ALIPAY_PUBLIC_KEY?: string;
  ALIPAY_SELLER_ID?: string;
  ALIPAY_GATEWAY?: string;
  /** "page" (default), "wap" or "qr". */
  ALIPAY_PRODUCT?: string;
  SANDBOX_PAY_SECRET?: string;
}

export interface ProviderOptions {
  /** Replaces global fetch for provider API calls (tests, stand-ins). */
  fetch?: typeof fetch;
}

const WECHAT_KEYS = [
  "WECHATPAY_MCH_ID",
  "WECHATPAY_APP_ID",
  "WECHATPAY_MCH_SERIAL",
  "WECHATPAY_PRIVATE_KEY",
  "WECHATPAY_API_V3_KEY",
  "WECHATPAY_PLATFORM_CERTS",
] as const;
const ALIPAY_KEYS = ["ALIPAY_APP_ID", "ALIPAY_PRIVATE_KEY", "ALIPAY_PUBLIC_KEY"] as const;

/**
 * Returns the settings in `keys` when all are set, null when none is, and throws (naming the missing
 * ones) for a half-configured provider.
 */
function required<K extends keyof PaymentEnv>(env: PaymentEnv, keys: readonly K[]): Record<K, string> | null {
  const present = keys.filter((k) => typeof env[k] === "string" && env[k] !== "");
  if (present.length === 0) return null;
  if (present.length < keys.length) {
    const missing = keys.filter((k) => !present.includes(k));
    throw new Error(`Invalid payment configuration: missing ${missing.join(", ")}`);
  }
  return Object.fromEntries(keys.map((k) => [k, env[k]])) as Record<K, string>;
}

function parsePlatformCerts(json: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error("Invalid payment configuration: WECHATPAY_PLATFORM_CERTS is not JSON");
  }
  if (
    typeof value !== "object" ||
    value === null ||
    Array.isArray(value) ||
    Object.keys(value).length === 0 ||
    !Object.entries(value).every(([serial, pem]) => serial !== "" && typeof pem === "string")
  ) {
    throw new Error('Invalid payment configuration: WECHATPAY_PLATFORM_CERTS must be {"serial": "PEM", …}');
  }
  return value as Record<string, string>;
}

function build(env: PaymentEnv, name: ProviderName, options: ProviderOptions): PaymentProvider | null {
  switch (name) {
    case "wechat": {
      const c = required(env, WECHAT_KEYS);
      if (!c) return null;
      return new WechatPayProvider({
        mchId: c.WECHATPAY_MCH_ID,
        appId: c.WECHATPAY_APP_ID,
        merchantSerialNo: c.WECHATPAY_MCH_SERIAL,
        merchantPrivateKey: c.WECHATPAY_PRIVATE_KEY,
        apiV3Key: c.WECHATPAY_API_V3_KEY,
        platformKeys: parsePlatformCerts(c.WECHATPAY_PLATFORM_CERTS),
        ...(env.WECHATPAY_BASE_URL ? { baseUrl: env.WECHATPAY_BASE_URL } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
    }
    case "alipay": {
      const c = required(env, ALIPAY_KEYS);
      if (!c) return null;
      const product = env.ALIPAY_PRODUCT || "page";
      if (product !== "page" && product !== "wap" && product !== "qr") {
        throw new Error('Invalid payment configuration: ALIPAY_PRODUCT must be "page", "wap" or "qr"');
      }
      return new AlipayProvider({
        appId: c.ALIPAY_APP_ID,
        privateKey: c.ALIPAY_PRIVATE_KEY,
        alipayPublicKey: c.ALIPAY_PUBLIC_KEY,
        product: product satisfies AlipayProduct,
        ...(env.ALIPAY_SELLER_ID ? { sellerId: env.ALIPAY_SELLER_ID } : {}),
        ...(env.ALIPAY_GATEWAY ? { gateway: env.ALIPAY_GATEWAY } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
    }
    case "sandbox": {
      // The sandbox page lets anyone mark a payment paid: never in production.
      if (env.APP_ENV === "production" || !env.SANDBOX_PAY_SECRET) return null;
      return new SandboxProvider({ secret: env.SANDBOX_PAY_SECRET });
    }
  }
}

/** Providers built from one env object, so keys are imported once per isolate. */
const cache = new WeakMap<object, Map<ProviderName, PaymentProvider | null>>();

/**
 * The provider `name`, configured from `env`; null when it is not configured (or is the sandbox in
 * production). Throws for a half-configured or malformed configuration.
 */
export function getPaymentProvider(env: PaymentEnv, name: ProviderName, options: ProviderOptions = {}): PaymentProvider | null {
  if (options.fetch) return build(env, name, options);
  let byName = cache.get(env);
  if (!byName) cache.set(env, (byName = new Map()));
  if (!byName.has(name)) byName.set(name, build(env, name, options));
  return byName.get(name)!;
}

/** Names of the providers `env` configures, in a stable order (for choosing at checkout). */
export function configuredProviders(env: PaymentEnv): ProviderName[] {
  return (["wechat", "alipay", "sandbox"] as const).filter((name) => getPaymentProvider(env, name) !== null);
}
