/**
 * The browser's half of Web Push subscriptions: the service worker's PushManager and the
 * /me/push resource route. Only called from effects and event handlers (never during render).
 */
import { fromBase64Url } from "~/lib/encoding";

export const PUSH_ROUTE = "/me/push";

export function pushSupported(): boolean {
  return typeof window !== "undefined" && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window && window.isSecureContext;
}

/**
 * How long subscribing may take. A browser whose push service cannot be reached (no network, or
 * its vendor's service blocked) may never settle `pushManager.subscribe()`: Chromium keeps trying
 * to register with Firebase Cloud Messaging. Past this, the toggle reports the failure.
 */
export const SUBSCRIBE_TIMEOUT_MS = 20_000;

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The service worker registration (sw.js, registered by entry.client); rejects after `timeoutMs`. */
export async function serviceWorkerRegistration(timeoutMs: number): Promise<ServiceWorkerRegistration> {
  const existing = await navigator.serviceWorker.getRegistration("/");
  if (existing?.active) return existing;
  return withTimeout(navigator.serviceWorker.ready, timeoutMs, "service worker");
}

function sameKey(subscription: PushSubscription, publicKey: string): boolean {
  const current = subscription.options?.applicationServerKey;
  if (!current) return true; // the browser does not say; assume it is ours
  const a = new Uint8Array(current);
  const b = fromBase64Url(publicKey);
  return a.byteLength === b.byteLength && a.every((x, i) => x === b[i]);
}

/** This browser's subscription made with our current key, or null (one made with an old key is dropped). */
export async function currentSubscription(registration: ServiceWorkerRegistration, publicKey: string): Promise<PushSubscription | null> {
  const subscription = await registration.pushManager.getSubscription();
  if (!subscription) return null;
  if (sameKey(subscription, publicKey)) return subscription;
  await subscription.unsubscribe().catch(() => false);
  return null;
}

function subscriptionForm(subscription: PushSubscription): URLSearchParams {
  const json = subscription.toJSON();
  return new URLSearchParams({ endpoint: subscription.endpoint, p256dh: json.keys?.p256dh ?? "", auth: json.keys?.auth ?? "" });
}

/** Tells the server about this subscription (POST) or that it is gone (DELETE); true when it agreed. */
export async function syncSubscription(subscription: PushSubscription, method: "POST" | "DELETE"): Promise<boolean> {
  const body = method === "POST" ? subscriptionForm(subscription) : new URLSearchParams({ endpoint: subscription.endpoint });
  try {
    const response = await fetch(PUSH_ROUTE, { method, body, credentials: "same-origin", headers: { Accept: "application/json" } });
    return response.ok;
  } catch {
    return false;
  }
}

/** Subscribes this browser (asking for the notification permission first) and registers it with the server. */
export async function subscribe(registration: ServiceWorkerRegistration, publicKey: string): Promise<PushSubscription> {
  const subscription = await withTimeout(
    registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64Url(publicKey) }),
    SUBSCRIBE_TIMEOUT_MS,
    "push subscription",
  );
  if (!(await syncSubscription(subscription, "POST"))) {
    await subscription.unsubscribe().catch(() => false);
    throw new Error("the server did not accept the subscription");
  }
  return subscription;
}

export async function unsubscribe(registration: ServiceWorkerRegistration): Promise<void> {
  const subscription = await registration.pushManager.getSubscription();
  if (!subscription) return;
  await syncSubscription(subscription, "DELETE");
  await subscription.unsubscribe().catch(() => false);
}
