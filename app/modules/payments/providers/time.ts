/**
 * Provider timestamps in business time (Asia/Shanghai, ADR 005). The zone offset is read from
 * Intl rather than hard-coded, so there is one named zone to change.
 */
import { BUSINESS_TIME_ZONE } from "~/lib/format";

interface WallClock {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
  /** "+08:00" */
  offset: string;
}

let formatter: Intl.DateTimeFormat | undefined;

function wallClock(epochMs: number): WallClock {
  if (!Number.isFinite(epochMs)) throw new RangeError(`Not a time: ${epochMs}`);
  formatter ??= new Intl.DateTimeFormat("en-US", {
    timeZone: BUSINESS_TIME_ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZoneName: "longOffset",
  });
  const parts: Record<string, string> = {};
  for (const p of formatter.formatToParts(new Date(epochMs))) parts[p.type] = p.value;
  // longOffset is "GMT+08:00", or plain "GMT" for a zero offset.
  const tz = parts.timeZoneName ?? "GMT";
  const offset = tz === "GMT" ? "+00:00" : tz.replace(/^GMT/, "");
  if (!/^[+-]\d{2}:\d{2}$/.test(offset)) throw new Error(`Unexpected zone offset ${tz}`);
  return {
    year: parts.year!.padStart(4, "0"),
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
    offset,
  };
}

/** "yyyy-MM-dd HH:mm:ss" in business time: Alipay's `timestamp`, `time_expire`, `gmt_payment`. */
export function formatAlipayTime(epochMs: number): string {
  const w = wallClock(epochMs);
  return `${w.year}-${w.month}-${w.day} ${w.hour}:${w.minute}:${w.second}`;
}

/** RFC 3339 with the business offset, e.g. "2026-11-25T21:00:00+08:00": WeChat Pay's `time_expire`. */
export function formatRfc3339(epochMs: number): string {
  const w = wallClock(epochMs);
  return `${w.year}-${w.month}-${w.day}T${w.hour}:${w.minute}:${w.second}${w.offset}`;
}

function offsetMs(epochMs: number): number {
  const [sign, hh, mm] = /^([+-])(\d{2}):(\d{2})$/.exec(wallClock(epochMs).offset)!.slice(1) as [string, string, string];
  return (sign === "-" ? -1 : 1) * (Number(hh) * 60 + Number(mm)) * 60_000;
}

/** Parses "yyyy-MM-dd HH:mm:ss" as business time; null when malformed or not a real date. */
export function parseAlipayTime(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(asUtc);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return null;
  }
  let epoch = asUtc - offsetMs(asUtc);
  // A second pass settles wall times near an offset change (none in Asia/Shanghai since 1991).
  epoch = asUtc - offsetMs(epoch);
  return epoch;
}

/** Parses an RFC 3339 date-time with an explicit offset or Z (WeChat Pay's `success_time`). */
export function parseRfc3339(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}
