import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { formatCountdown } from "~/modules/leaders/today";

/**
 * Time left until the cut-off. The server renders it at its own time (a correct static text
 * without JavaScript); once hydrated it ticks once a second from the device's clock, or every 15 s
 * at minute precision when the person prefers reduced motion. Tabular numerals in a fixed-width
 * box: the text never changes width, so nothing moves. Not a live region (a screen reader would
 * be told every second); the absolute time beside it says the same thing once.
 */
export function CutoffCountdown({ cutoffAt, serverNow }: { cutoffAt: number; serverNow: number }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(serverNow);
  const [reduced, setReduced] = useState(false);
  useEffect(() => {
    const query = window.matchMedia?.("(prefers-reduced-motion: reduce)");
    const apply = () => setReduced(Boolean(query?.matches));
    apply();
    query?.addEventListener?.("change", apply);
    return () => query?.removeEventListener?.("change", apply);
  }, []);
  useEffect(() => {
    const tick = () => setNow(Date.now());
    tick();
    const id = setInterval(tick, reduced ? 15_000 : 1_000);
    return () => clearInterval(id);
  }, [reduced]);
  const left = cutoffAt - now;
  if (left <= 0) return <p className="text-lg font-semibold text-price">{t("handover.today.cycle.closed")}</p>;
  return (
    <p className="flex items-baseline gap-2">
      <span className="text-sm text-muted">{t("handover.today.cycle.countdownLabel")}</span>
      <span role="timer" className="tabular inline-block min-w-[8ch] text-3xl font-bold text-price">
        {formatCountdown(left, !reduced)}
      </span>
    </p>
  );
}
