import { DEFAULT_LOCALE, isLocale, localeFromAcceptLanguage, type Locale } from "~/i18n/i18n";

export const LOCALE_COOKIE = "tg_lng";
export const TEXT_SIZE_COOKIE = "tg_text";
export type TextSize = "normal" | "large";

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get("Cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The language: the user's choice (cookie) first, then the browser's Accept-Language, then zh-CN. */
export function resolveLocale(request: Request): Locale {
  const chosen = readCookie(request, LOCALE_COOKIE);
  if (isLocale(chosen)) return chosen;
  return localeFromAcceptLanguage(request.headers.get("Accept-Language")) ?? DEFAULT_LOCALE;
}

export function resolveTextSize(request: Request): TextSize {
  return readCookie(request, TEXT_SIZE_COOKIE) === "large" ? "large" : "normal";
}

function preferenceCookie(name: string, value: string, secure: boolean): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=31536000; SameSite=Lax${secure ? "; Secure" : ""}`;
}

export const localeCookie = (locale: Locale, secure: boolean) => preferenceCookie(LOCALE_COOKIE, locale, secure);
export const textSizeCookie = (size: TextSize, secure: boolean) => preferenceCookie(TEXT_SIZE_COOKIE, size, secure);
