/**
 * A stand-in for a browser vendor's Web Push service (RFC 8030) at https://push-service.test,
 * answered from the Node test process: the test Worker's outbound fetches go through `outbound`
 * (Miniflare's outboundService), which serves this origin and passes everything else on. It checks
 * every push as a real service and a browser would, independently of the app's code:
 *
 * - VAPID (RFC 8292): `Authorization: vapid t=<JWT>, k=<key>`; the JWT must verify (ES256, with
 *   `jose`) against `k`, `k` must be the expected application server key, `aud` must be this
 *   service's origin, `exp` in the future and at most 24 h away, `sub` a mailto: or https: contact;
 * - `Content-Encoding: aes128gcm` and a TTL header;
 * - the body is decrypted with `http_ece` (RFC 8188/8291) using the subscription's private key and
 *   auth secret, which `subscription()` generates like a browser (node:crypto ECDH P-256 + 16
 *   random bytes), and parsed as JSON.
 *
 * A push that fails a check is answered 400/401/403 (as push services do); otherwise the
 * subscription's `status` (201 by default; 410 to play a subscription the browser dropped).
 * Push endpoints are https (RFC 8030 §8), so the service is not a plain-http local server.
 */
import ece from "http_ece";
import { importJWK, jwtVerify } from "jose";
import { createECDH, randomBytes, randomUUID } from "node:crypto";

const ORIGIN = "https://push-service.test";

export interface FakeSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** What this subscription's pushes are answered with. */
  status: number;
}

export interface ReceivedPush {
  subscriptionId: string;
  headers: Record<string, string>;
  /** Null when every check passed; otherwise what failed. */
  problem: string | null;
  jwt: { aud?: unknown; exp?: number; sub?: unknown } | null;
  payload: unknown;
  answered: number;
  at: number;
}

export type FakePushService = Awaited<ReturnType<typeof startFakePushService>>;

export async function startFakePushService(expectedPublicKey: string) {
  const subs = new Map<string, FakeSubscription & { ecdh: ReturnType<typeof createECDH>; auth: Buffer }>();
  const received: ReceivedPush[] = [];

  async function check(headers: Record<string, string>, body: Buffer, sub: FakeSubscription & { ecdh: ReturnType<typeof createECDH>; auth: Buffer }) {
    const auth = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+),\s*k=([\w-]+)$/.exec(headers.authorization ?? "");
    if (!auth) return { status: 401, problem: "no VAPID authorization", jwt: null, payload: null };
    const [, token, k] = auth;
    if (k !== expectedPublicKey) return { status: 403, problem: "k is not the expected application server key", jwt: null, payload: null };
    const point = Buffer.from(k!, "base64url");
    let jwt: ReceivedPush["jwt"];
    try {
      const key = await importJWK({ kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33, 65).toString("base64url") }, "ES256");
      const verified = await jwtVerify(token!, key, { algorithms: ["ES256"], audience: origin() });
      jwt = verified.payload as ReceivedPush["jwt"];
    } catch (error) {
      return { status: 403, problem: `JWT: ${(error as Error).message}`, jwt: null, payload: null };
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof jwt!.exp !== "number" || jwt!.exp <= now || jwt!.exp > now + 24 * 3600) return { status: 403, problem: "exp not within 24 h", jwt, payload: null };
    if (typeof jwt!.sub !== "string" || !/^(mailto:|https:)/.test(jwt!.sub)) return { status: 403, problem: "sub is not a contact", jwt, payload: null };
    if (headers["content-encoding"] !== "aes128gcm") return { status: 400, problem: `content-encoding ${headers["content-encoding"]}`, jwt, payload: null };
    if (!/^\d+$/.test(headers.ttl ?? "")) return { status: 400, problem: "no TTL", jwt, payload: null };
    if (body.byteLength > 4096) return { status: 413, problem: "body over 4096 bytes", jwt, payload: null };
    let payload: unknown;
    try {
      payload = JSON.parse(ece.decrypt(body, { version: "aes128gcm", privateKey: sub.ecdh, authSecret: sub.auth }).toString("utf8"));
    } catch (error) {
      return { status: 400, problem: `decrypt: ${(error as Error).message}`, jwt, payload: null };
    }
    return { status: sub.status, problem: null, jwt, payload };
  }

  /** A push request to this service: checked, recorded, answered. */
  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const id = /^\/push\/([\w-]+)$/.exec(url.pathname)?.[1];
    const sub = id ? subs.get(id) : undefined;
    if (request.method !== "POST" || !sub) return new Response(null, { status: 404 });
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => (headers[key.toLowerCase()] = value));
    const result = await check(headers, Buffer.from(await request.arrayBuffer()), sub);
    received.push({ subscriptionId: sub.id, headers, problem: result.problem, jwt: result.jwt, payload: result.payload, answered: result.status, at: Date.now() });
    return new Response(null, { status: result.status, headers: result.status === 201 ? { Location: `/message/${randomUUID()}` } : {} });
  }
  const origin = () => ORIGIN;

  return {
    origin,
    received,
    /**
     * Miniflare `outboundService`: the Worker's fetches to this service land here; any other
     * fetch goes out as it would without it.
     */
    async outbound(request: Request): Promise<Response> {
      if (new URL(request.url).origin === ORIGIN) return handle(request);
      const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
      return fetch(request.url, { method: request.method, headers: request.headers, body, redirect: "manual" });
    },
    /** A browser's new subscription to this service (its own key pair and auth secret). */
    subscription(status = 201): FakeSubscription {
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const id = randomUUID();
      const sub = { id, endpoint: `${origin()}/push/${id}`, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") }, status, ecdh, auth };
      subs.set(id, sub);
      return sub;
    },
    setStatus(id: string, status: number) {
      subs.get(id)!.status = status;
    },
    pushesTo(id: string) {
      return received.filter((r) => r.subscriptionId === id);
    },
    /** Waits (up to `timeoutMs`) until `count` pushes reached the subscription; returns them. */
    async waitFor(id: string, count = 1, timeoutMs = 8_000): Promise<ReceivedPush[]> {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const got = received.filter((r) => r.subscriptionId === id);
        if (got.length >= count) return got;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`expected ${count} push(es) to ${id}, got ${received.filter((r) => r.subscriptionId === id).length}`);
    },
    /** Forgets the subscriptions and what was received. */
    async close() {
      subs.clear();
      received.length = 0;
    },
  };
}
