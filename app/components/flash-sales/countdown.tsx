import { useEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

type Translate = (key: string, options?: Record<string, unknown>) => string;

const pad = (n: number) => String(n).padStart(2, "0");
const SHANGHAI_OFFSET_MS = 8 * 3_600_000; // Asia/Shanghai: UTC+8 all year (no daylight saving).

/**
 * "11月26日 20:00" (en "20:00, 26 Nov") in Asia/Shanghai. Computed by hand from the fixed offset
 * rather than with Intl, so the server and every browser write exactly the same text (no
 * hydration mismatch from different ICU data) and it is the same for every visitor of a cached page.
 */
export function formatSaleTime(epochMs: number, t: Translate): string {
  const d = new Date(epochMs + SHANGHAI_OFFSET_MS);
  const month = d.getUTCMonth() + 1;
  return t("flashSales.at", { monthName: t("flashSales.months").split(" ")[month - 1], day: d.getUTCDate(), time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` });
}

/** Time left as "mm:ss", "h:mm:ss", or "2天 03:04:05" over a day. */
export function formatLeft(ms: number, t: Translate): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const clock = `${h > 0 || days > 0 ? `${pad(h)}:` : ""}${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
  return days > 0 ? t("flashSales.days", { days, time: clock }) : clock;
}

const offsets = new Map<number, number>();

/**
 * The server's clock, as far as this device can tell: a loader sends `serverNow`; the first time
 * the page looks at that response (hydration, or a client navigation) the offset serverNow −
 * Date.now() is taken once and shared by every countdown of that response. Without `serverNow`
 * (an edge-cached page, whose render time is not the visitor's time) the device clock is used.
 */
function offsetFor(serverNow: number | undefined): number {
  if (serverNow === undefined) return 0;
  let offset = offsets.get(serverNow);
  if (offset === undefined) {
    offset = serverNow - Date.now();
    offsets.set(serverNow, offset);
  }
  return offset;
}

/** The synchronised time, ticking once a second after hydration; null before (the server's HTML). */
export function useSaleClock(serverNow?: number): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    const offset = offsetFor(serverNow);
    const tick = () => setNow(Date.now() + offset);
    tick();
    const id = setInterval(tick, 1000);
    return () => clearInterval(id);
  }, [serverNow]);
  return now;
}

/**
 * A countdown to `to` (a payment deadline). Before JavaScript (and in the server's HTML) it renders
 * `render(null)`: an absolute time, true whenever it is read; once hydrated `render("mm:ss")`,
 * ticking once a second in tabular numerals (nothing shifts). Not a live region: a screen reader is
 * not told every second.
 */
export function Countdown({ to, serverNow, render, className = "" }: { to: number; serverNow?: number; render: (left: string | null, over: boolean) => ReactNode; className?: string }) {
  const { t } = useTranslation();
  const now = useSaleClock(serverNow);
  return (
    <span role="timer" className={`tabular ${className}`}>
      {render(now === null ? null : formatLeft(to - now, t), now !== null && now >= to)}
    </span>
  );
}

export type SaleStage = "upcoming" | "live" | "ended";
const stageOf = (phase: string): SaleStage => (phase === "upcoming" ? "upcoming" : phase === "ended" ? "ended" : "live");

/**
 * A sale's clock: "距开抢 05:12" until the viewer's opening time, then "距结束 1:02:03", then
 * "已结束". The server writes the absolute time for the phase it saw ("11月26日 20:00 开抢"),
 * which stays true in an edge-cached page; the script counts down from the synchronised clock and
 * moves on to the next stage by itself. When its stage no longer matches the page's `phase`,
 * `onStale` is called (at most every 3 s) so a page can reload its data (the buy form appears at
 * the opening, the sale closes at the end).
 */
export function SaleTimer({ opensAt, endsAt, phase, serverNow, onStale, className = "" }: { opensAt: number; endsAt: number; phase: string; serverNow?: number; onStale?: () => void; className?: string }) {
  const { t } = useTranslation();
  const now = useSaleClock(serverNow);
  const lastStale = useRef(0);
  const stage: SaleStage | null = now === null ? null : now < opensAt ? "upcoming" : now < endsAt ? "live" : "ended";
  const stale = stage !== null && stage !== stageOf(phase);
  useEffect(() => {
    if (!stale || !onStale || Date.now() - lastStale.current < 3000) return;
    lastStale.current = Date.now();
    onStale();
  });
  let text: string;
  if (stage === null) {
    const server = stageOf(phase);
    text = server === "upcoming" ? t("flashSales.opensAt", { time: formatSaleTime(opensAt, t) }) : server === "live" ? t("flashSales.endsAt", { time: formatSaleTime(endsAt, t) }) : t("flashSales.ended");
  } else if (stage === "upcoming") text = t("flashSales.opensIn", { time: formatLeft(opensAt - now!, t) });
  else if (stage === "live") text = t("flashSales.endsIn", { time: formatLeft(endsAt - now!, t) });
  else text = t("flashSales.ended");
  return (
    <span role="timer" className={`tabular ${className}`} data-testid="flash-timer">
      {text}
    </span>
  );
}
