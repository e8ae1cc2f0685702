import { BUSINESS_TIME_ZONE } from "~/lib/format";

const parts = new Intl.DateTimeFormat("en-US", {
  timeZone: BUSINESS_TIME_ZONE,
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

function zoned(at: number) {
  const p = Object.fromEntries(parts.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day), h: Number(p.hour) % 24, mi: Number(p.minute), s: Number(p.second) };
}

/** The business date ("YYYY-MM-DD", Asia/Shanghai) of an instant. */
export function businessDate(at: number): string {
  const z = zoned(at);
  return `${z.y}-${String(z.m).padStart(2, "0")}-${String(z.d).padStart(2, "0")}`;
}

/** The instant (UTC ms) a business date starts in Asia/Shanghai, through Intl (ADR 005), not a fixed +8. */
export function businessDayStart(ymd: string): number {
  const [y, m, d] = ymd.split("-").map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  const z = zoned(guess);
  const offset = Date.UTC(z.y, z.m - 1, z.d, z.h, z.mi, z.s) - guess;
  return guess - offset;
}

/** The next business date's start: the exclusive end of a day range. */
export function businessDayEnd(ymd: string): number {
  return businessDayStart(ymd) + 24 * 60 * 60 * 1000;
}
