import Download from "lucide-react/icons/download";
import X from "lucide-react/icons/x";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

/** Chromium's install event (not in the DOM typings). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: "accepted" | "dismissed" }>;
}

const DISMISSED_KEY = "leader-install-dismissed-at";
const DISMISS_DAYS = 14;

type Offer = { kind: "prompt"; event: BeforeInstallPromptEvent } | { kind: "ios" } | null;

function isStandalone(): boolean {
  return window.matchMedia("(display-mode: standalone)").matches || (navigator as { standalone?: boolean }).standalone === true;
}

function recentlyDismissed(): boolean {
  try {
    const at = Number(localStorage.getItem(DISMISSED_KEY));
    return Number.isFinite(at) && at > 0 && Date.now() - at < DISMISS_DAYS * 86_400_000;
  } catch {
    return false;
  }
}

/**
 * "Add the leader app to your home screen" (UX.md: on the leader's home). Chromium browsers fire
 * `beforeinstallprompt`, which we hold and replay on the button; iOS Safari has no such event, so
 * it gets the Share → Add to Home Screen hint. Hidden when already installed, and for 14 days after
 * "not now". Nothing renders before JavaScript runs (installing needs it anyway).
 */
export function InstallPrompt() {
  const { t } = useTranslation();
  const [offer, setOffer] = useState<Offer>(null);

  useEffect(() => {
    if (isStandalone() || recentlyDismissed()) return;
    const onPrompt = (event: Event) => {
      event.preventDefault();
      setOffer({ kind: "prompt", event: event as BeforeInstallPromptEvent });
    };
    const onInstalled = () => setOffer(null);
    window.addEventListener("beforeinstallprompt", onPrompt);
    window.addEventListener("appinstalled", onInstalled);
    const ua = navigator.userAgent;
    if (/iPhone|iPad|iPod/.test(ua) && /Safari/.test(ua) && !/CriOS|FxiOS/.test(ua)) setOffer({ kind: "ios" });
    return () => {
      window.removeEventListener("beforeinstallprompt", onPrompt);
      window.removeEventListener("appinstalled", onInstalled);
    };
  }, []);

  if (!offer) return null;

  const dismiss = () => {
    try {
      localStorage.setItem(DISMISSED_KEY, String(Date.now()));
    } catch {
      /* private mode: just hide it for now */
    }
    setOffer(null);
  };

  const install = async () => {
    if (offer.kind !== "prompt") return;
    await offer.event.prompt();
    const { outcome } = await offer.event.userChoice;
    if (outcome === "accepted") setOffer(null);
    else dismiss();
  };

  return (
    <section className="card flex items-start gap-3 border border-brand-100 bg-brand-50" aria-labelledby="install-title">
      <Download aria-hidden className="mt-1 size-6 shrink-0 text-brand-700" />
      <div className="flex-1 space-y-2">
        <h2 id="install-title" className="font-semibold">
          {t("leader.install.title")}
        </h2>
        <p className="text-sm">{offer.kind === "ios" ? t("leader.install.ios") : t("leader.install.body")}</p>
        {offer.kind === "prompt" ? (
          <button type="button" className="btn-primary min-h-12 w-full" onClick={install}>
            {t("leader.install.action")}
          </button>
        ) : null}
      </div>
      <button type="button" className="grid size-12 shrink-0 place-items-center rounded-full" onClick={dismiss} aria-label={t("leader.install.dismiss")}>
        <X aria-hidden className="size-5" />
      </button>
    </section>
  );
}
