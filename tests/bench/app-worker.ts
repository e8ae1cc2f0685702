import path from "node:path";
import { TEST_SANDBOX_SECRET, TEST_SECRETS } from "../support/worker";

const root = path.resolve(import.meta.dirname, "../..");

/**
 * The app Worker (build/index.js) as the benchmarks run it in Miniflare: the bindings that
 * tests/support/worker.ts gives it, with production settings (no dev banner, no sandbox payments;
 * messages would go to webhooks that the benchmarks never trigger).
 */
export function appWorkerOptions(database: string) {
  return {
    name: "app",
    modules: [{ type: "ESModule" as const, path: path.join(root, "build/index.js") }],
    compatibilityDate: "2026-04-20",
    bindings: {
      ...TEST_SECRETS,
      APP_ENV: "production",
      SMS_PROVIDER: "webhook",
      EMAIL_PROVIDER: "webhook",
      SMS_WEBHOOK_URL: "http://127.0.0.1:9/sms",
      EMAIL_WEBHOOK_URL: "http://127.0.0.1:9/email",
      MESSAGE_WEBHOOK_SECRET: "bench-webhook-secret",
      SANDBOX_PAY_SECRET: TEST_SANDBOX_SECRET,
    } as Record<string, string>,
    d1Databases: { DB: database },
    r2Buckets: ["IMAGES"],
    durableObjects: { RATE_LIMITER: { className: "RateLimiter", useSQLite: true }, GROUP_DEAL_ROOM: { className: "GroupDealRoom", useSQLite: true }, FLASH_SALE_STOCK: { className: "FlashSaleStock", useSQLite: true } },
    queueProducers: { SETTLEMENT_QUEUE: "settlement" },
    queueConsumers: {
      settlement: { maxBatchSize: 25, maxBatchTimeout: 1, maxRetries: 2, retryDelay: 0, deadLetterQueue: "settlement-dlq" },
      "settlement-dlq": { maxBatchSize: 10, maxBatchTimeout: 1 },
    } as Record<string, { maxBatchSize: number; maxBatchTimeout: number; maxRetries?: number; retryDelay?: number; deadLetterQueue?: string }>,
    assets: {
      directory: path.join(root, "public"),
      binding: "ASSETS",
      routerConfig: { has_user_worker: true },
      assetConfig: { html_handling: "none" as const },
    },
  };
}
