import i18next, { type i18n as I18n, type TOptions } from "i18next";
import zhCN from "./locales/zh-CN";

export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";

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

type Messages = Record<string, unknown>;

/**
 * Translations come in parts, so the storefront's first load carries only what it shows:
 * - `core`: the storefront and everything shared. zh-CN's (the default and the fallback) is in the
 *   main bundle; another language's is its own chunk, fetched before hydration only by the people
 *   who use it (`loadLocale`).
 * - `console`: the leader, merchant and admin areas; their layout modules register it
 *   (`./console-messages`), so it travels in their chunks.
 * - `admin`: what only the admin console shows (users and permissions, settings, analytics, the
 *   audit log); the admin layout registers it (`./admin-messages`), so the leader and merchant
 *   apps never download it.
 * - `api`: /api/v1 error messages, server only.
 * The server registers every part of every language at start-up (`./all-locales.server`).
 * Parts have disjoint top-level keys.
 */
export type MessagePart = "core" | "console" | "admin" | "api";

const bundles = new Map<Locale, Messages>([[DEFAULT_LOCALE, zhCN]]);
const loadedParts = new Set<string>([`${DEFAULT_LOCALE}:core`]);
/**
 * Languages loaded on demand in the browser: the core, and the consoles' part with it (a few kB
 * gzipped, so a console page in that language hydrates complete; storefront readers of that
 * language load it too, Chinese readers of the consoles never do).
 */
const lazyParts: Partial<Record<Locale, () => Promise<[{ default: Messages }, { default: Messages }, { default: Messages }]>>> = {
  en: () => Promise.all([import("./locales/en"), import("./locales/en.console"), import("./locales/en.admin")]),
};

const instances = new Map<Locale, I18n>();
const memos = new Set<Map<string, unknown>>();

/** Makes one part of a language's translations available to every instance. Idempotent. */
export function registerMessages(locale: Locale, part: MessagePart, messages: Messages): void {
  const id = `${locale}:${part}`;
  if (loadedParts.has(id)) return;
  loadedParts.add(id);
  bundles.set(locale, { ...bundles.get(locale), ...messages });
  for (const inst of instances.values()) inst.addResourceBundle(locale, "translation", messages, true, true);
  for (const memo of memos) memo.clear();
}

export function isLocaleLoaded(locale: Locale, part: MessagePart = "core"): boolean {
  return loadedParts.has(`${locale}:${part}`);
}

/** Loads a language's core, console and admin translations (a network fetch in the browser the first time). */
export async function loadLocale(locale: Locale): Promise<void> {
  const load = lazyParts[locale];
  if ((isLocaleLoaded(locale) && isLocaleLoaded(locale, "console") && isLocaleLoaded(locale, "admin")) || !load) return;
  const [core, console, admin] = await load();
  registerMessages(locale, "core", core.default);
  registerMessages(locale, "console", console.default);
  registerMessages(locale, "admin", admin.default);
}

/** `t` options that do not change the text: what react-i18next's fixed `t` always passes. */
const NEUTRAL_OPTIONS = new Set(["lng", "lngs", "ns", "keyPrefix"]);

function isNeutral(options: object): boolean {
  for (const key in options) if (!NEUTRAL_OPTIONS.has(key) || (key === "keyPrefix" && (options as { keyPrefix?: unknown }).keyPrefix)) return false;
  return true;
}

/**
 * i18next resolves every `t()` call from scratch (language hierarchy via Intl.getCanonicalLocales,
 * resource lookup, interpolation): ~10 µs each, and a product grid makes hundreds of calls. A
 * lookup without interpolation or plurals always gives the same text for one language, so those
 * are memoised per instance; calls with values (counts, names) still go through i18next.
 */
function memoiseLookups(inst: I18n): void {
  const memo = new Map<string, unknown>();
  memos.add(memo);
  const t = inst.t.bind(inst) as unknown as (key: unknown, options?: unknown) => unknown;
  inst.t = ((key: unknown, options?: unknown) => {
    if (typeof key !== "string" || (options !== undefined && (typeof options !== "object" || options === null || !isNeutral(options)))) {
      // With values: i18next proper, but handed the instance's resolved language list so it does
      // not rebuild it (Intl.getCanonicalLocales per call) when the call is for the current one.
      const o = options as { lng?: string | null; lngs?: readonly string[] } | undefined;
      const current = typeof options === "object" && options !== null && !o?.lngs && (!o?.lng || o.lng === inst.language);
      return t(key, current ? { ...options, lng: inst.language, lngs: inst.languages } : options);
    }
    const o = (options ?? {}) as { lng?: string; ns?: string };
    const id = `${o.lng || inst.language}\u0000${o.ns ?? ""}\u0000${key}`;
    let text = memo.get(id);
    if (text === undefined) {
      text = t(key, options);
      memo.set(id, text);
    }
    return text;
  }) as I18n["t"];
}

/** A ready i18next instance per locale; resources are in memory, so initialisation is synchronous. */
export function getI18n(locale: Locale): I18n {
  let inst = instances.get(locale);
  if (!inst) {
    inst = i18next.createInstance();
    void inst.init({
      lng: locale,
      fallbackLng: DEFAULT_LOCALE,
      supportedLngs: [...LOCALES],
      load: "currentOnly",
      resources: Object.fromEntries([...bundles].map(([l, messages]) => [l, { translation: messages }])),
      initAsync: false,
      interpolation: { escapeValue: false },
      returnNull: false,
    });
    memoiseLookups(inst);
    instances.set(locale, inst);
  }
  return inst;
}

/** Server-side translation (messages, emails, API errors). */
export function translate(locale: string, key: string, options?: TOptions): string {
  return getI18n(isLocale(locale) ? locale : DEFAULT_LOCALE).t(key, options) as string;
}
