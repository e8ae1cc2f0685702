/* Service worker: an offline shell for every role.
 * - /build/* (content-hashed) and icons: cache first, kept.
 * - Page navigations: network first; the last good copy of each page is kept, and /offline.html
 *   is shown when neither the network nor a copy is available.
 * - Everything else (API, form posts, images) goes to the network untouched.
 */
// Web Push: showing pushed notifications and opening their links (public/sw-push.js).
importScripts("/sw-push.js");

const VERSION = "v3";
const SHELL_CACHE = `shell-${VERSION}`;
const PAGE_CACHE = `pages-${VERSION}`;
const SHELL = ["/offline.html", "/favicon.ico", "/icons/icon-192.png", "/manifest.webmanifest", "/leader.webmanifest"];
const MAX_PAGES = 30;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL_CACHE && k !== PAGE_CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function trimPages() {
  const cache = await caches.open(PAGE_CACHE);
  const keys = await cache.keys();
  for (const key of keys.slice(0, Math.max(0, keys.length - MAX_PAGES))) await cache.delete(key);
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

  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !url.pathname.startsWith("/dev/")) {
            const copy = response.clone();
            caches
              .open(PAGE_CACHE)
              .then((cache) => cache.put(request, copy))
              .then(trimPages);
          }
          return response;
        })
        .catch(async () => (await caches.match(request, { cacheName: PAGE_CACHE })) || (await caches.match("/offline.html"))),
    );
  }
});
