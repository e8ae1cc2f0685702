import Bell from "lucide-react/icons/bell";
import BellOff from "lucide-react/icons/bell-off";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { currentSubscription, pushSupported, serviceWorkerRegistration, subscribe, syncSubscription, unsubscribe } from "./push-client";

/**
 * - checking: before the browser has been asked (server render, first effect)
 * - unavailable: the site has no VAPID key (push is off; the inbox still works)
 * - unsupported: no service worker / Push API here (or not a secure context)
 * - denied: the person blocked notifications for this site
 * - off / on: this browser has no / has a subscription the server knows
 * - working: subscribing or unsubscribing
 * - failed: subscribing did not work (e.g. the browser's push service cannot be reached)
 */
export type PushToggleState = "checking" | "unavailable" | "unsupported" | "denied" | "off" | "on" | "working" | "failed";

/**
 * Turns Web Push on or off for this device: the service worker's push subscription (with the
 * site's VAPID public key, passed from a loader; null when push is not configured), registered
 * with the server at /me/push. Push needs JavaScript, so before it loads this only says so.
 */
export function PushToggle({ publicKey }: { publicKey: string | null }) {
  const { t } = useTranslation();
  const [state, setState] = useState<PushToggleState>(publicKey ? "checking" : "unavailable");

  useEffect(() => {
    let cancelled = false;
    const settle = (s: PushToggleState) => {
      if (!cancelled) setState(s);
    };
    (async () => {
      if (!publicKey) return settle("unavailable");
      if (!pushSupported()) return settle("unsupported");
      if (Notification.permission === "denied") return settle("denied");
      try {
        const registration = await serviceWorkerRegistration(5_000);
        const subscription = await currentSubscription(registration, publicKey);
        if (subscription && Notification.permission === "granted") {
          // Keep the server's copy current (it may have dropped it, or another account used this browser).
          settle((await syncSubscription(subscription, "POST")) ? "on" : "off");
        } else {
          settle("off");
        }
      } catch {
        settle("off");
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [publicKey]);

  const turnOn = useCallback(async () => {
    if (!publicKey) return;
    setState("working");
    try {
      const permission = await Notification.requestPermission();
      if (permission === "denied") return setState("denied");
      if (permission !== "granted") return setState("off");
      const registration = await serviceWorkerRegistration(15_000);
      await currentSubscription(registration, publicKey); // drops one made with an old key
      await subscribe(registration, publicKey);
      setState("on");
    } catch {
      setState("failed");
    }
  }, [publicKey]);

  const turnOff = useCallback(async () => {
    setState("working");
    try {
      await unsubscribe(await serviceWorkerRegistration(5_000));
    } catch {
      /* nothing left to undo on this device */
    }
    setState("off");
  }, []);

  const message: Record<PushToggleState, string> = {
    checking: t("notices.push.checking"),
    unavailable: t("notices.push.unavailable"),
    unsupported: t("notices.push.unsupported"),
    denied: t("notices.push.denied"),
    off: t("notices.push.off"),
    on: t("notices.push.on"),
    working: t("notices.push.working"),
    failed: t("notices.push.failed"),
  };
  const on = state === "on";
  const canToggle = state === "off" || state === "on" || state === "failed" || state === "working";
  const Icon = on ? Bell : BellOff;

  return (
    <section className="card space-y-3" aria-labelledby="push-toggle-title" data-push-state={state}>
      <div className="flex items-center gap-3">
        <Icon aria-hidden className={`size-6 shrink-0 ${on ? "text-brand-700" : "text-muted"}`} />
        <h2 id="push-toggle-title" className="font-semibold">
          {t("notices.push.title")}
        </h2>
      </div>
      <p role="status" className={`text-sm ${state === "failed" || state === "denied" ? "text-danger" : "text-muted"}`}>
        {message[state]}
      </p>
      {canToggle ? (
        <button
          type="button"
          className={`${on ? "btn-secondary" : "btn-primary"} min-h-12 w-full`}
          disabled={state === "working"}
          onClick={on ? turnOff : turnOn}
        >
          {state === "working" ? t("notices.push.working") : on ? t("notices.push.turnOff") : state === "failed" ? t("notices.push.retry") : t("notices.push.turnOn")}
        </button>
      ) : null}
    </section>
  );
}
