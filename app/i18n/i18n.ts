import i18next, { type i18n as I18n, type TOptions } from "i18next";

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
 * - `core`: the storefront and everything shared. No JavaScript bundle carries it: the document
 *   inlines the page's language's core as JSON (`<script type="application/json" id="i18n-core">`,
 *   rendered by the root from `coreMessagesJson`), which the entry registers before hydrating
 *   (`registerInlineCore`); a language switched to without a reload comes as its own chunk
 *   (`loadLocale`). So the first load's JavaScript holds no translations, and a document served
 *   from the service worker's cache hydrates offline with its own text.
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

const bundles = new Map<Locale, Messages>();
const loadedParts = new Set<string>();
const parts = new Map<string, Messages>();
type Lazy = () => Promise<{ default: Messages }>;
/**
 * Parts loaded on demand in the browser. The core of either language when switched to without a
 * reload (the document inlines the first one). English also brings the consoles' parts with it (a
 * few kB gzipped, so a console page in English hydrates complete; storefront readers of English
 * load them too); Chinese readers get zh-CN's console and admin parts from those areas' layout
 * modules (./console-messages, ./admin-messages), never from here.
 */
const lazyParts: Record<Locale, Partial<Record<MessagePart, Lazy>>> = {
  "zh-CN": { core: () => import("./locales/zh-CN") },
  en: { core: () => import("./locales/en"), console: () => import("./locales/en.console"), admin: () => import("./locales/en.admin") },
};

const instances = new Map<Locale, I18n>();
const memos = new Set<Map<string, unknown>>();

/** Makes one part of a language's translations available to every instance. Idempotent. */
export function registerMessages(locale: Locale, part: MessagePart, messages: Messages): void {
  const id = `${locale}:${part}`;
  if (loadedParts.has(id)) return;
  loadedParts.add(id);
  parts.set(id, messages);
  bundles.set(locale, { ...bundles.get(locale), ...messages });
  for (const inst of instances.values()) inst.addResourceBundle(locale, "translation", messages, true, true);
  for (const memo of memos) memo.clear();
}

export function isLocaleLoaded(locale: Locale, part: MessagePart = "core"): boolean {
  return loadedParts.has(`${locale}:${part}`);
}

/** Loads the parts of a language the browser can fetch and does not have yet (a network fetch the first time). */
export async function loadLocale(locale: Locale): Promise<void> {
  const missing = (Object.entries(lazyParts[locale]) as Array<[MessagePart, Lazy]>).filter(([part]) => !isLocaleLoaded(locale, part));
  const loaded = await Promise.all(missing.map(([, load]) => load()));
  missing.forEach(([part], i) => registerMessages(locale, part, loaded[i]!.default));
}

const coreJson = new Map<Locale, string>();

/**
 * A language's core translations as the JSON the document inlines (`<` escaped, so the text can
 * sit inside a script element). "" when that core is not registered here.
 */
export function coreMessagesJson(locale: Locale): string {
  let json = coreJson.get(locale);
  if (json === undefined) {
    const core = parts.get(`${locale}:core`);
    if (!core) return "";
    json = JSON.stringify(core).replace(/</g, "\\u003c");
    coreJson.set(locale, json);
  }
  return json;
}

/** The id of the element that carries the inlined core (rendered by the root, read by the entry). */
export const INLINE_CORE_ID = "i18n-core";

/** Registers the core a document inlined; returns false when there is none or it is not JSON. */
export function registerInlineCore(locale: Locale, json: string | null | undefined): boolean {
  if (!json) return false;
  try {
    registerMessages(locale, "core", JSON.parse(json) as Messages);
  } catch {
    return false;
  }
  coreJson.set(locale, json);
  return true;
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
