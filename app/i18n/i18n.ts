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
 *   main bundle.
 * - `console`: the leader, merchant and admin areas; their layout modules register it
 *   (`./console-messages`), so it travels in their chunks.
 * - `admin`: what only the admin console shows (users and permissions, settings, analytics, the
 *   audit log); the admin layout registers it (`./admin-messages`), so the leader and merchant
 *   apps never download it.
 * - `api`: /api/v1 error messages, server only.
 * Another language's parts are chunks of their own, fetched only by the people who read it and
 * only for the pages they open (`loadLocale`): before hydration for the page's parts, which its
 * route modules registered in Chinese before the entry runs, and by the `clientLoader` of a route
 * that brings a part (`withMessagesInUse`) on a client-side navigation into it. An English reader
 * of the storefront fetches the English core alone, not the consoles' 35 kB.
 * The server registers every part of every language at start-up (`./all-locales.server`).
 * Parts have disjoint top-level keys.
 */
export type MessagePart = "core" | "console" | "admin" | "api";

const bundles = new Map<Locale, Messages>([[DEFAULT_LOCALE, zhCN]]);
const loadedParts = new Set<string>([`${DEFAULT_LOCALE}:core`]);

/** The parts a browser can fetch for a language other than the default, each its own chunk. */
type LazyPart = Exclude<MessagePart, "api">;
const LAZY_PARTS: readonly LazyPart[] = ["core", "console", "admin"];
const lazyParts: Partial<Record<Locale, Record<LazyPart, () => Promise<{ default: Messages }>>>> = {
  en: { core: () => import("./locales/en"), console: () => import("./locales/en.console"), admin: () => import("./locales/en.admin") },
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

/**
 * The parts the pages loaded so far need: the default language's parts are registered by the
 * modules that use them (a console layout registers `console` when it loads), so they say which
 * parts another language must have for the same pages.
 */
export function partsInUse(): LazyPart[] {
  return LAZY_PARTS.filter((part) => isLocaleLoaded(DEFAULT_LOCALE, part));
}

/**
 * Loads a language's translations for the pages in use (a network fetch per part in the browser,
 * the first time): the storefront's English readers fetch the English core only, a console page
 * fetches the console's part too, the admin's its own. Resolves at once when all are there.
 */
export async function loadLocale(locale: Locale, parts: readonly LazyPart[] = partsInUse()): Promise<void> {
  const load = lazyParts[locale];
  if (!load) return;
  const missing = parts.filter((part) => !isLocaleLoaded(locale, part));
  if (missing.length === 0) return;
  // Each part that arrives is kept even when another fails (offline): the next call fetches the rest.
  const settled = await Promise.allSettled(missing.map((part) => load[part]()));
  settled.forEach((r, i) => {
    if (r.status === "fulfilled") registerMessages(locale, missing[i]!, r.value.default);
  });
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

/**
 * For the `clientLoader` of a route whose module registers the console (or admin) part: on a
 * client-side navigation into it, the current language's part is fetched beside the route's data,
 * so the page never renders with missing strings. If the fetch fails (offline, an old deployment)
 * the page still renders, falling back to Simplified Chinese for those strings.
 */
export async function withMessagesInUse<T>(serverLoader: () => Promise<T>): Promise<T> {
  const lang = typeof document === "undefined" ? DEFAULT_LOCALE : document.documentElement.lang;
  const [data] = await Promise.all([serverLoader(), isLocale(lang) ? loadLocale(lang).catch(() => undefined) : undefined]);
  return data;
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
