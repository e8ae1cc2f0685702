// Intl formatters are costly to build (tens of microseconds each in workerd and V8) and a page
// formats hundreds of prices, so each formatter is built once per isolate and reused.
const grouping = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Money is integer fen; this is the one place it becomes text. 1234 → "¥12.34". */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`Money must be an integer number of fen, got ${fen}`);
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100);
  const cents = abs % 100;
  return `${sign}¥${yuan < 1000 ? String(yuan) : grouping.format(yuan)}.${cents < 10 ? "0" : ""}${cents}`;
}

export const BUSINESS_TIME_ZONE = "Asia/Shanghai";

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(locale: string, withTime: boolean): Intl.DateTimeFormat {
  const tag = locale === "en" ? "en-GB" : "zh-CN";
  const key = `${tag}|${withTime}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(tag, {
      timeZone: BUSINESS_TIME_ZONE,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      ...(withTime ? { hour: "2-digit", minute: "2-digit", hour12: false } : {}),
    });
    dateTimeFormats.set(key, format);
  }
  return format;
}

/** Times are stored as UTC epoch milliseconds and shown in Asia/Shanghai. */
export function formatDateTime(epochMs: number, locale: string): string {
  return dateTimeFormat(locale, true).format(new Date(epochMs));
}

export function formatDate(epochMs: number, locale: string): string {
  return dateTimeFormat(locale, false).format(new Date(epochMs));
}
