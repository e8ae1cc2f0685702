/* Web Push handlers, loaded by sw.js (importScripts).
 * - push: the server sends JSON {title, body, url, tag} (encrypted per RFC 8291; the browser has
 *   already decrypted it); show it as a notification. A message that is not that JSON still shows
 *   something, because a push that shows nothing counts against the site (userVisibleOnly).
 * - notificationclick: focus a window of this site already on that page, else navigate one of
 *   ours there, else open a new one. Only same-origin paths are opened.
 */
const PUSH_ICON = "/icons/icon-192.png";
const PUSH_BADGE = "/icons/icon-192.png";

function sameOriginPath(url) {
  try {
    const target = new URL(typeof url === "string" ? url : "/", self.location.origin);
    return target.origin === self.location.origin ? target.pathname + target.search + target.hash : "/";
  } catch (_) {
    return "/";
  }
}

function readPush(event) {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (_) {
    message = { body: event.data ? event.data.text() : "" };
  }
  if (!message || typeof message !== "object") message = {};
  return {
    title: typeof message.title === "string" && message.title ? message.title : "邻里团",
    body: typeof message.body === "string" ? message.body : "",
    url: sameOriginPath(message.url),
    tag: typeof message.tag === "string" && message.tag ? message.tag : undefined,
  };
}

self.addEventListener("push", (event) => {
  const message = readPush(event);
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: message.body,
      icon: PUSH_ICON,
      badge: PUSH_BADGE,
      tag: message.tag,
      renotify: Boolean(message.tag),
      data: { url: message.url },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const path = sameOriginPath(event.notification.data && event.notification.data.url);
  const target = new URL(path, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(async (windows) => {
      const exact = windows.find((w) => w.url === target);
      if (exact) return exact.focus();
      const ours = windows.find((w) => new URL(w.url).origin === self.location.origin && "navigate" in w);
      if (ours) {
        const focused = await ours.focus();
        return focused.navigate(target).catch(() => self.clients.openWindow(target));
      }
      return self.clients.openWindow(target);
    }),
  );
});
