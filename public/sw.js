/* Service worker: an offline shell for every role.
 * - /build/* (content-hashed) and icons: cache first, kept.
 * - Page navigations: network first; the last good copy of each page is kept, and /offline.html
 *   is shown when neither the network nor a copy is available.
 * - The leader app's loader data (Remix single fetch: /leader….data) and Remix's route manifest
 *   (/__manifest): network first, the last good copy offline, so the leader's pages (the day's
 *   pickup list above all) open and move between tabs without a connection.
 * - A leader page kept for offline use also keeps the scripts and styles it loads, and the
 *   hand-over page is kept whenever its data is fetched, so a cold offline open renders it.
 * - Everything else (API, form posts, images) goes to the network untouched.
 */
// Web Push: showing pushed notifications and opening their links (public/sw-push.js).
importScripts("/sw-push.js");

const VERSION = "v5";
const SHELL_CACHE = `shell-${VERSION}`;
const PAGE_CACHE = `pages-${VERSION}`;
const DATA_CACHE = `data-${VERSION}`;
const SHELL = ["/offline.html", "/favicon.ico", "/icons/icon-192.png", "/manifest.webmanifest", "/leader.webmanifest"];
const MAX_PAGES = 30;
const MAX_DATA = 40;
/** Leader pages whose document is refreshed in the cache whenever their data is fetched. */
const KEEP_DOCUMENT = ["/leader/handover"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL_CACHE && k !== PAGE_CACHE && k !== DATA_CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function trim(cacheName, max) {
  const cache = await caches.open(cacheName);
  const keys = await cache.keys();
  for (const key of keys.slice(0, Math.max(0, keys.length - max))) await cache.delete(key);
}

const isLeaderPath = (pathname) => pathname === "/leader" || pathname.startsWith("/leader/");

/** The /build/ scripts and styles a page's HTML loads, into the shell cache (those not there yet). */
async function keepAssetsOf(html) {
  const urls = new Set(html.match(/\/build\/[\w\-./]+\.(?:js|css)/g) ?? []);
  if (!urls.size) return;
  const cache = await caches.open(SHELL_CACHE);
  await Promise.all(
    [...urls].map(async (u) => {
      if (await cache.match(u)) return;
      const response = await fetch(u).catch(() => null);
      if (response?.ok) await cache.put(u, response);
    }),
  );
}

/** Stores a page's document (and, for leader pages, its assets) for offline use. */
async function keepDocument(request, response) {
  const cache = await caches.open(PAGE_CACHE);
  const pathname = new URL(request.url).pathname;
  if (isLeaderPath(pathname)) {
    const [forCache, forAssets] = [response.clone(), response];
    await cache.put(request, forCache);
    await keepAssetsOf(await forAssets.text());
  } else {
    await cache.put(request, response);
  }
  await trim(PAGE_CACHE, MAX_PAGES);
}

/** Fetches and keeps a leader page's document (e.g. the hand-over page, seen only through client-side navigation). */
async function refreshDocument(pathname) {
  const request = new Request(pathname, { credentials: "same-origin", headers: { Accept: "text/html" } });
  const response = await fetch(request).catch(() => null);
  if (response?.ok && (response.headers.get("Content-Type") ?? "").includes("text/html")) await keepDocument(request, response);
}

/** Network first; the last good copy when the network fails. */
function networkFirst(event, cacheName, max, after) {
  const request = event.request;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.status === 200) {
          const copy = response.clone();
          event.waitUntil(
            caches
              .open(cacheName)
              .then((cache) => cache.put(request, copy))
              .then(() => trim(cacheName, max))
              .then(() => after?.()),
          );
        }
        return response;
      })
      .catch(async () => {
        const hit = await caches.match(request, { cacheName });
        if (hit) return hit;
        throw new TypeError("offline and not cached");
      }),
  );
}

function keepManifest(event, request, response) {
  if (response.status === 200) {
    const copy = response.clone();
    event.waitUntil(
      caches
        .open(DATA_CACHE)
        .then((cache) => cache.put(request, copy))
        .then(() => trim(DATA_CACHE, MAX_DATA)),
    );
  }
  return response;
}

/**
 * Remix asks /__manifest?p=…&version=… for the routes behind the links on screen. Offline, the
 * exact question has rarely been asked before (the links differ page to page), so the answer is
 * every route this build version ever told us about — the union of the kept answers (route id →
 * entry; Remix patches in only the ones it lacks). Never an error: a link whose route is unknown
 * falls back to a document navigation, which the page cache answers.
 */
async function offlineManifest(url) {
  const cache = await caches.open(DATA_CACHE);
  const version = url.searchParams.get("version");
  const routes = {};
  for (const key of await cache.keys()) {
    const keyUrl = new URL(key.url);
    if (keyUrl.pathname !== "/__manifest" || keyUrl.searchParams.get("version") !== version) continue;
    const kept = await cache.match(key);
    if (kept) Object.assign(routes, await kept.json().catch(() => ({})));
  }
  return new Response(JSON.stringify(routes), { headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" } });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (url.pathname.startsWith("/build/") || url.pathname.startsWith("/icons/") || SHELL.includes(url.pathname)) {
    event.respondWith(
      caches.match(request).then(
        (hit) =>
          hit ||
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              caches.open(SHELL_CACHE).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
    return;
  }

  // The leader app's loader data and the route manifest Remix discovers routes with.
  if (url.pathname === "/__manifest") {
    event.respondWith(fetch(request).then((response) => keepManifest(event, request, response), () => offlineManifest(url)));
    return;
  }
  if (url.pathname.endsWith(".data") && isLeaderPath(url.pathname.slice(0, -".data".length))) {
    const page = url.pathname.slice(0, -".data".length);
    networkFirst(event, DATA_CACHE, MAX_DATA, KEEP_DOCUMENT.includes(page) ? () => refreshDocument(page) : undefined);
    return;
  }

  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !url.pathname.startsWith("/dev/")) event.waitUntil(keepDocument(request, response.clone()));
          return response;
        })
        .catch(
          async () =>
            (await caches.match(request, { cacheName: PAGE_CACHE, ignoreVary: true })) ||
            (await caches.match(request, { cacheName: PAGE_CACHE, ignoreSearch: isLeaderPath(url.pathname), ignoreVary: true })) ||
            (await caches.match("/offline.html")),
        ),
    );
  }
});
