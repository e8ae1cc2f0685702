/** Money is integer fen; this is the one place it becomes text. 1234 → "¥12.34". */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`Money must be an integer number of fen, got ${fen}`);
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100);
  const cents = abs % 100;
  return `${sign}¥${yuan.toLocaleString("en-US")}.${String(cents).padStart(2, "0")}`;
}

export const BUSINESS_TIME_ZONE = "Asia/Shanghai";

/** Times are stored as UTC epoch milliseconds and shown in Asia/Shanghai. */
export function formatDateTime(epochMs: number, locale: string): string {
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "zh-CN", {
    timeZone: BUSINESS_TIME_ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(new Date(epochMs));
}

export function formatDate(epochMs: number, locale: string): string {
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "zh-CN", {
    timeZone: BUSINESS_TIME_ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(epochMs));
}
