import { createHash } from "node:crypto";
import type { TestWorker } from "./worker";

/**
 * Flash-sale fixtures for the integration tests against the built Worker: approved sales on the
 * demo tomatoes written straight into D1 (the stock object takes their terms on its first call),
 * shoppers with bearer sessions and a pickup point, and the API called as a client would.
 */
export const TOMATO_SKU = "sku_demotomato0000000001";
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

export type Counts = { stock: number; sold: number; reserved: number; remaining: number };
export const json = async <T>(res: Response) => (await res.json()) as T;

export function flashFixtures(current: () => TestWorker, prefix = "test") {
  let saleSeq = 0;
  let userSeq = 0;
  const worker = () => current();

  async function sale(over: { stock?: number; shards?: number; perUserLimit?: number; timeoutSeconds?: number; startsAt?: number; endsAt?: number; early?: Record<string, number> } = {}) {
    const id = `fls_${prefix}${String(++saleSeq).padStart(20 - prefix.length, "0")}`;
    const now = Date.now();
    await worker()
      .d1.prepare(
        `INSERT INTO flash_sales (id, merchant_id, product_id, sku_id, flash_price_fen, stock, shards, per_user_limit, payment_timeout_seconds, early_access_minutes, starts_at, ends_at, status, created_by, created_at, updated_at)
         VALUES (?, 'mch_demofruit00000000000', 'prd_demotomato0000000000', ?, 990, ?, ?, ?, ?, ?, ?, ?, 'approved', 'usr_demomerchant01000000', ?, ?)`,
      )
      .bind(id, TOMATO_SKU, over.stock ?? 100, over.shards ?? 1, over.perUserLimit ?? 2, over.timeoutSeconds ?? 900, JSON.stringify(over.early ?? {}), over.startsAt ?? now - 60_000, over.endsAt ?? now + 3_600_000, now, now)
      .run();
    return id;
  }

  async function shoppers(n: number): Promise<Array<{ id: string; token: string }>> {
    const now = Date.now();
    const d1 = worker().d1;
    const made = Array.from({ length: n }, () => {
      const k = ++userSeq;
      const tag = `${prefix}${String(k).padStart(15 - prefix.length, "0")}`;
      return { id: `usr_flash${tag}`, token: `flash-${tag}-token-${"z".repeat(24)}` };
    });
    const statements = made.flatMap((u) => [
      d1.prepare("INSERT INTO users (id, display_name, locale, status, created_at, updated_at) VALUES (?, '抢购者', 'zh-CN', 'active', ?, ?)").bind(u.id, now, now),
      d1.prepare("INSERT INTO sessions (id, user_id, expires_at, created_at, kind) VALUES (?, ?, ?, ?, 'bearer')").bind(sha256(u.token), u.id, Math.floor(now / 1000) + 30 * 86_400, now),
      d1.prepare("INSERT INTO user_pickup_points (user_id, pickup_point_id, source, updated_at) VALUES (?, 'pkp_demosunshine00000000', 'chosen', ?)").bind(u.id, now),
    ]);
    for (let i = 0; i < statements.length; i += 600) await d1.batch(statements.slice(i, i + 600));
    return made;
  }

  function api(path: string, init: { token?: string; body?: unknown; key?: string } = {}) {
    const headers: Record<string, string> = { "CF-Connecting-IP": "203.0.113.95" };
    if (init.body !== undefined) headers["Content-Type"] = "application/json";
    if (init.token) headers.Authorization = `Bearer ${init.token}`;
    if (init.key) headers["Idempotency-Key"] = init.key;
    return worker().fetch(`/api/v1${path}`, { method: init.body === undefined ? "GET" : "POST", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  }

  return { sale, shoppers, api };
}
