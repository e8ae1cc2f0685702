/**
 * The Worker: every request, queue batch and cron tick enters here.
 *   fetch     → origin check → Remix (pages, forms, /api/v1) → security headers
 *   queue     → settlement consumer / dead-letter recorder
 *   scheduled → cron jobs
 * Durable Object classes are re-exported by name for wrangler.toml's bindings.
 */
import { createRequestHandler, type ServerBuild } from "@remix-run/cloudflare";
import * as build from "@remix-run/dev/server-build";
import { isForbiddenCrossSite } from "./auth/csrf.server";
import { createBaseContext, createRequestContext } from "./context.server";
import type { Env } from "./env.server";
import { registerAllLocales } from "./i18n/all-locales.server";
import { runScheduled } from "./jobs/index.server";
import { edgeCache, edgeCacheKey, edgeCacheMatch, edgeCacheStore, edgeCacheTtl, isCacheableRequest } from "./lib/edge-cache.server";
import { toBase64 } from "./lib/encoding";
import { d1Stats, withBookmark } from "./lib/d1-bookmark.server";
import { withPrefixedSetCookies, withUnprefixedCookies } from "./lib/host-cookies.server";
import { applySecurityHeaders } from "./lib/security-headers.server";
import { handleQueueBatch } from "./queues/index.server";
import { groupLiveSocket, GROUP_LIVE_PATH } from "./modules/group-deals/live.server";

export { RateLimiter } from "./durable-objects/rate-limiter";
export { GroupDealRoom } from "./durable-objects/group-deal-room";
export { FlashSaleStock } from "./durable-objects/flash-sale-stock";

registerAllLocales();

const handleRemix = createRequestHandler(build as unknown as ServerBuild, process.env.NODE_ENV);

/** Multipart bodies up to this size are parsed once before Remix, to answer a malformed one with 400. */
const MULTIPART_PRECHECK_BYTES = 32 * 1024 * 1024;

function forbiddenResponse(url: URL): Response {
  const body = { error: { code: "forbidden_origin", message: "Cross-site request refused" } };
  return url.pathname.startsWith("/api/")
    ? Response.json(body, { status: 403 })
    : new Response("403 Forbidden: cross-site request refused", { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export default {
  async fetch(incoming, env, exec) {
    const nonce = toBase64(crypto.getRandomValues(new Uint8Array(16)));
    const url = new URL(incoming.url);
    const secure = url.protocol === "https:";
    if (isForbiddenCrossSite(incoming, url)) {
      return applySecurityHeaders(forbiddenResponse(url), { nonce, secure });
    }
    // Over https the small cookies travel as `__Host-…`; the app reads and writes their short names.
    const request = secure ? withUnprefixedCookies(incoming) : incoming;
    // A path with broken percent-encoding (%ZZ, a lone surrogate's bytes) names no page or
    // endpoint; answer it here rather than let the router log that it could not decode it.
    let decodedPath: string;
    try {
      decodedPath = decodeURIComponent(url.pathname);
    } catch {
      const message = "The URL path is not valid percent-encoded UTF-8";
      return applySecurityHeaders(
        url.pathname.startsWith("/api/")
          ? Response.json({ error: { code: "invalid_path", message } }, { status: 400, headers: { "Cache-Control": "no-store" } })
          : new Response(`400 Bad Request: ${message}`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } }),
        { nonce, secure }
      );
    }
    // The API's splat route (`.*`) cannot cross an encoded line break, so such a path would fall
    // through to the HTML 404 page; no endpoint has one: the API's own JSON 404.
    if (url.pathname.startsWith("/api/") && /[\r\n\u2028\u2029]/.test(decodedPath)) {
      const body = { error: { code: "not_found", message: "No such endpoint" } };
      return applySecurityHeaders(Response.json(body, { status: 404, headers: { "Cache-Control": "no-store" } }), { nonce, secure });
    }
    // Page actions take HTML forms only; anything else would make request.formData() throw (a 500).
    if (!["GET", "HEAD", "OPTIONS"].includes(request.method) && !url.pathname.startsWith("/api/")) {
      const type = (request.headers.get("Content-Type") ?? "").toLowerCase();
      if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")) {
        return applySecurityHeaders(
          new Response("415 Unsupported Media Type: send an HTML form (application/x-www-form-urlencoded or multipart/form-data)", {
            status: 415,
            headers: { "Content-Type": "text/plain; charset=utf-8" },
          }),
          { nonce, secure }
        );
      }
      // A multipart body no browser would send (a part without a name, a broken boundary) makes
      // request.formData() throw inside whichever action reads it; refuse it here, once, as a 400.
      // (Read twice, so not when the declared length is past any form's size: an action refuses
      // such an upload by its Content-Length before reading it.)
      const declared = Number(request.headers.get("Content-Length") ?? "0");
      if (type.startsWith("multipart/form-data") && !(declared > MULTIPART_PRECHECK_BYTES)) {
        try {
          await request.clone().formData();
        } catch {
          return applySecurityHeaders(
            new Response("400 Bad Request: the multipart form body is malformed", { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } }),
            { nonce, secure }
          );
        }
      }
    }
    // Live group progress: a WebSocket handed to the group's room (hibernation API), before Remix.
    const live = GROUP_LIVE_PATH.exec(url.pathname);
    if (live && request.headers.get("Upgrade")?.toLowerCase() === "websocket") return groupLiveSocket(env, live[1]!, request);
    let context;
    try {
      context = createRequestContext(request, env, exec, nonce);
    } catch (error) {
      // A misconfigured deployment says so in the logs and answers 503, never a half-working app.
      console.error(error instanceof Error ? error.message : error);
      return applySecurityHeaders(new Response("Service unavailable: configuration error", { status: 503 }), { nonce, secure });
    }
    // Anonymous catalogue pages may come from the edge cache (app/lib/edge-cache.server.ts).
    const ttl = edgeCacheTtl(env);
    const cacheKey = ttl > 0 && isCacheableRequest(request, url) ? await edgeCacheKey(context, request, url) : null;
    if (cacheKey) {
      const hit = await edgeCacheMatch(await edgeCache(), cacheKey, nonce);
      if (hit) return applySecurityHeaders(hit, { nonce, secure });
    }
    let response = await handleRemix(request, context);
    const cookies = context.request?.outgoingCookies ?? [];
    if (cookies.length) {
      response = new Response(response.body, response);
      for (const c of cookies) response.headers.append("Set-Cookie", c);
    }
    // A signed-in person's pages and data are theirs alone: never stored by a shared cache or the
    // browser's disk cache, unless the route chose its own policy (public images, immutable files).
    if (!response.headers.has("Cache-Control") && (await context.request?.session?.catch(() => null))) {
      response = new Response(response.body, response);
      response.headers.set("Cache-Control", "private, no-store");
    }
    if (cacheKey && cookies.length === 0)
      response = edgeCacheStore(await edgeCache(), cacheKey, response, { nonce, ttl, waitUntil: (p) => exec.waitUntil(p) });
    // The latest D1 bookmark back to the client, so its next reads see its own writes.
    if (context.request) {
      response = withBookmark(response, context.request.d1, secure);
      if (env.APP_ENV !== "production") {
        response = new Response(response.body, response);
        response.headers.append("Server-Timing", d1Stats(context.request.d1));
      }
    }
    return applySecurityHeaders(secure ? withPrefixedSetCookies(response) : response, { nonce, secure });
  },

  async queue(batch, env, exec) {
    await handleQueueBatch(
      createBaseContext(env, (p) => exec.waitUntil(p)),
      batch
    );
  },

  async scheduled(controller, env, exec) {
    await runScheduled(
      createBaseContext(env, (p) => exec.waitUntil(p)),
      controller.cron,
      controller.scheduledTime
    );
  },
} satisfies ExportedHandler<Env, unknown>;
