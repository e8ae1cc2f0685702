import i18next, { type i18n as I18n, type TOptions } from "i18next";
import en from "./locales/en";
import zhCN from "./locales/zh-CN";

export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";

export const resources = { "zh-CN": { translation: zhCN }, en: { translation: en } } as const;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** Picks zh-CN or en from an Accept-Language header (q-values honoured). */
export function localeFromAcceptLanguage(header: string | null): Locale {
  if (!header) return DEFAULT_LOCALE;
  const ranked = header
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith("zh")) return "zh-CN";
    if (tag.startsWith("en")) return "en";
  }
  return DEFAULT_LOCALE;
}

const instances = new Map<Locale, I18n>();

/** A ready i18next instance per locale; resources are bundled, so initialisation is synchronous. */
export function getI18n(locale: Locale): I18n {
  let inst = instances.get(locale);
  if (!inst) {
    inst = i18next.createInstance();
    void inst.init({
      lng: locale,
      fallbackLng: DEFAULT_LOCALE,
      resources,
      initAsync: false,
      interpolation: { escapeValue: false },
      returnNull: false,
    });
    instances.set(locale, inst);
  }
  return inst;
}

/** Server-side translation (messages, emails, API errors). */
export function translate(locale: string, key: string, options?: TOptions): string {
  return getI18n(isLocale(locale) ? locale : DEFAULT_LOCALE).t(key, options) as string;
}
