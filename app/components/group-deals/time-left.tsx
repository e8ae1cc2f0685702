import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

const pad = (n: number) => String(n).padStart(2, "0");

/** 5h 3m 9s → "05:03:09"; over a day → "1天 05:03:09". Seconds are dropped at minute precision. */
export function formatTimeLeft(ms: number, t: (key: string, options?: Record<string, unknown>) => string, seconds = true): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const time = seconds ? `${pad(h)}:${pad(m)}:${pad(s)}` : `${pad(h)}:${pad(m)}`;
  return days > 0 ? t("groupDeals.days", { days, time }) : time;
}

/**
 * Time left until a group's deadline. The server renders it at its own time (correct plain text
 * without JavaScript); once hydrated it ticks once a second from the device's clock, or every 15 s
 * at minute precision when the person prefers reduced motion. Tabular numerals in a fixed-width
 * box, so nothing moves. Not a live region: a screen reader would be told every second.
 */
export function TimeLeft({ deadlineAt, serverNow, className = "" }: { deadlineAt: number; serverNow: number; className?: string }) {
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
  const left = deadlineAt - now;
  const running = left > 0;
  useEffect(() => {
    if (!running) return;
    const tick = () => setNow(Date.now());
    tick();
    const id = setInterval(tick, reduced ? 15_000 : 1_000);
    return () => clearInterval(id);
  }, [reduced, running]);
  if (!running) return <span className={className}>{t("groupDeals.ended")}</span>;
  return (
    <span className={`tabular inline-block min-w-[8ch] ${className}`} role="timer" aria-label={`${t("groupDeals.timeLeft")} ${formatTimeLeft(left, t, false)}`}>
      {formatTimeLeft(left, t, !reduced)}
    </span>
  );
}
