import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_LOCALE, LOCALES, getI18n, isLocale, isLocaleLoaded, localeFromAcceptLanguage, translate } from "./i18n";
import en from "./locales/en";
import enAdmin from "./locales/en.admin";
import enApi from "./locales/en.api";
import enConsole from "./locales/en.console";
import zhCN from "./locales/zh-CN";
import zhCNAdmin from "./locales/zh-CN.admin";
import zhCNApi from "./locales/zh-CN.api";
import zhCNConsole from "./locales/zh-CN.console";

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** Flattens nested messages into dotted keys → string. */
function flatten(tree: unknown, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, value] of Object.entries(tree as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (value && typeof value === "object") for (const [kk, vv] of flatten(value, key)) out.set(kk, vv);
    else out.set(key, value);
  }
  return out;
}

/** Groups keys by base key (plural forms `x_one`, `x_other` → `x`). */
function byBaseKey(messages: Map<string, unknown>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, value] of messages) {
    const base = key.replace(PLURAL_SUFFIX, "");
    (out.get(base) ?? out.set(base, []).get(base)!).push(String(value));
  }
  return out;
}

function variables(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1]!))].sort();
}

// Every part of each language (storefront core, consoles, API), as the server has them.
const flatZh = flatten({ ...zhCN, ...zhCNConsole, ...zhCNAdmin, ...zhCNApi });
const flatEn = flatten({ ...en, ...enConsole, ...enAdmin, ...enApi });
const zh = byBaseKey(flatZh);
const enByBase = byBaseKey(flatEn);

describe("locale files", () => {
  it("have a reasonable number of keys (the flattening found them)", () => {
    expect(zh.size).toBeGreaterThan(20);
    expect(flatZh.has("app.name")).toBe(true);
  });

  it("every zh-CN key exists in en", () => {
    const missing = [...zh.keys()].filter((k) => !enByBase.has(k));
    expect(missing).toEqual([]);
  });

  it("every en key exists in zh-CN", () => {
    const missing = [...enByBase.keys()].filter((k) => !zh.has(k));
    expect(missing).toEqual([]);
  });

  it("every message is a non-empty string", () => {
    for (const [name, flat] of [
      ["zh-CN", flatZh],
      ["en", flatEn],
    ] as const) {
      const bad = [...flat].filter(([, value]) => typeof value !== "string" || value.trim() === "").map(([k]) => `${name}:${k}`);
      expect(bad).toEqual([]);
    }
  });

  it("plural keys have an _other form in each language", () => {
    // A key is a plural form when its base has an _one form or several plural forms; a lone key
    // that merely ends in a plural word (an error code such as "price_zero") is an ordinary key.
    for (const flat of [flatZh, flatEn]) {
      const forms = new Map<string, string[]>();
      for (const key of flat.keys()) {
        const m = PLURAL_SUFFIX.exec(key);
        if (m) forms.set(key.slice(0, m.index), [...(forms.get(key.slice(0, m.index)) ?? []), m[1]!]);
      }
      for (const [base, suffixes] of forms) {
        if (suffixes.includes("one") || suffixes.length > 1) expect(flat.has(`${base}_other`), base).toBe(true);
      }
    }
  });

  it("interpolation variables match between languages for each key", () => {
    const mismatches: string[] = [];
    for (const [key, zhTexts] of zh) {
      const enTexts = enByBase.get(key);
      if (!enTexts) continue;
      const zhVars = [...new Set(zhTexts.flatMap(variables))].sort();
      const enVars = [...new Set(enTexts.flatMap(variables))].sort();
      if (zhVars.join() !== enVars.join()) mismatches.push(`${key}: zh-CN {${zhVars}} vs en {${enVars}}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("has balanced interpolation braces", () => {
    for (const flat of [flatZh, flatEn]) {
      for (const [key, value] of flat) {
        const text = String(value);
        expect((text.match(/\{\{/g) ?? []).length, key).toBe((text.match(/\}\}/g) ?? []).length);
      }
    }
  });
});

describe("localeFromAcceptLanguage", () => {
  it.each<[string | null, string]>([
    [null, "zh-CN"],
    ["", "zh-CN"],
    ["en-US,en;q=0.9", "en"],
    ["en", "en"],
    ["EN-gb", "en"],
    ["zh-CN,zh;q=0.9", "zh-CN"],
    ["zh-TW", "zh-CN"],
    ["zh-Hant-HK", "zh-CN"],
    ["fr", "zh-CN"],
    ["fr-FR,fr;q=0.9", "zh-CN"],
    ["fr,en;q=0.5", "en"],
    ["*", "zh-CN"],
  ])("%s → %s", (header, locale) => {
    expect(localeFromAcceptLanguage(header)).toBe(locale);
  });

  it("respects q-values over order", () => {
    expect(localeFromAcceptLanguage("zh-CN;q=0.5,en;q=0.9")).toBe("en");
    expect(localeFromAcceptLanguage("en;q=0.3, zh;q=0.8")).toBe("zh-CN");
    expect(localeFromAcceptLanguage("en;q=0.8,zh-CN")).toBe("zh-CN");
  });

  it("keeps header order for equal q-values", () => {
    expect(localeFromAcceptLanguage("en,zh-CN")).toBe("en");
    expect(localeFromAcceptLanguage("zh-CN,en")).toBe("zh-CN");
  });

  it("tolerates whitespace around parameters", () => {
    expect(localeFromAcceptLanguage("zh-CN ; q=0.1 , en ; q=0.7")).toBe("en");
  });

  it("treats q=0 as not acceptable only relative to others (sorted last)", () => {
    expect(localeFromAcceptLanguage("en;q=0, zh-CN;q=0.1")).toBe("zh-CN");
  });
});

describe("isLocale", () => {
  it("accepts exactly the supported locales", () => {
    for (const l of LOCALES) expect(isLocale(l)).toBe(true);
    for (const other of ["zh", "zh-cn", "en-US", "fr", "", null, undefined, 1]) expect(isLocale(other)).toBe(false);
  });
});

describe("translate", () => {
  it("translates in the requested locale", () => {
    expect(translate("zh-CN", "app.name")).toBe(zhCN.app.name);
    expect(translate("en", "app.name")).toBe(en.app.name);
    expect(translate("en", "app.name")).not.toBe(translate("zh-CN", "app.name"));
  });

  it("falls back to zh-CN for an unknown locale", () => {
    expect(translate("fr", "app.name")).toBe(zhCN.app.name);
    expect(translate("", "auth.signIn")).toBe(zhCN.auth.signIn);
    expect(DEFAULT_LOCALE).toBe("zh-CN");
  });

  it("interpolates variables without HTML escaping", () => {
    expect(translate("en", "auth.codeSent", { to: "a<b>@example.com" })).toBe(en.auth.codeSent.replace("{{to}}", "a<b>@example.com"));
    expect(translate("zh-CN", "auth.codeMessage", { code: "012345", minutes: 10 })).toContain("012345");
  });

  it("picks English plural forms by count", () => {
    expect(translate("en", "shop.sold", { count: 1 })).toBe(en.shop.sold_one.replace("{{count}}", "1"));
    expect(translate("en", "shop.sold", { count: 5 })).toBe(en.shop.sold_other.replace("{{count}}", "5"));
    expect(translate("zh-CN", "shop.sold", { count: 1 })).toBe(zhCN.shop.sold_other.replace("{{count}}", "1"));
  });

  it("returns the key for a key that exists nowhere", () => {
    expect(translate("en", "no.such.key")).toBe("no.such.key");
  });

  it("reuses one i18next instance per locale, set to that language", () => {
    expect(getI18n("en")).toBe(getI18n("en"));
    expect(getI18n("en").language).toBe("en");
    expect(getI18n("zh-CN").language).toBe("zh-CN");
    // The unit project's setup registers every locale, as the Worker does at start-up.
    expect(LOCALES.every((l) => isLocaleLoaded(l, "core") && isLocaleLoaded(l, "console") && isLocaleLoaded(l, "admin") && isLocaleLoaded(l, "api"))).toBe(true);
  });

  it("keeps the parts apart: the storefront core has no console or API keys, and no part repeats another's", () => {
    const tops = [Object.keys(zhCN), Object.keys(zhCNConsole), Object.keys(zhCNAdmin), Object.keys(zhCNApi)];
    expect(new Set(tops.flat()).size).toBe(tops.flat().length);
    expect(Object.keys(zhCN)).not.toContain("admin");
    expect(Object.keys(zhCN)).not.toContain("api");
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    expect(Object.keys(enConsole).sort()).toEqual(Object.keys(zhCNConsole).sort());
    expect(Object.keys(enApi).sort()).toEqual(Object.keys(zhCNApi).sort());
    expect(Object.keys(enAdmin).sort()).toEqual(Object.keys(zhCNAdmin).sort());
  });

  it("memoises plain lookups per language and still interpolates every call", () => {
    const inst = getI18n("zh-CN");
    const fixedT = inst.getFixedT(null, "translation");
    expect(fixedT("app.name")).toBe(zhCN.app.name);
    expect(fixedT("app.name")).toBe(zhCN.app.name);
    expect(fixedT("app.name", { lng: "en" })).toBe(en.app.name);
    expect(fixedT("shop.sold", { count: 3 })).toBe(zhCN.shop.sold_other.replace("{{count}}", "3"));
    expect(fixedT("shop.sold", { count: 4 })).toBe(zhCN.shop.sold_other.replace("{{count}}", "4"));
  });

  it("follows a language change on the same instance (the browser keeps one)", async () => {
    const inst = getI18n("en");
    expect(inst.t("app.name")).toBe(en.app.name);
    await inst.changeLanguage("zh-CN");
    expect(inst.t("app.name")).toBe(zhCN.app.name);
    await inst.changeLanguage("en");
    expect(inst.t("app.name")).toBe(en.app.name);
  });
});

describe("another language in the browser: only the parts the pages in use need", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it("the storefront fetches the English core alone; a console page adds the console part, the admin its own", async () => {
    vi.resetModules(); // a fresh registry, as a browser starts with
    const i18n = await import("./i18n");
    expect(i18n.partsInUse()).toEqual(["core"]);
    await i18n.loadLocale("en");
    expect(["core", "console", "admin"].map((p) => i18n.isLocaleLoaded("en", p as "core"))).toEqual([true, false, false]);
    expect(i18n.getI18n("en").t("app.name")).toBe(en.app.name);

    // A console layout's module registers the Chinese console part when it loads…
    (await import("./console-messages")).registerConsoleMessages();
    expect(i18n.partsInUse()).toEqual(["core", "console"]);
    // …and its clientLoader brings the current language's beside the route data.
    vi.stubGlobal("document", { documentElement: { lang: "en" } });
    expect(await i18n.withMessagesInUse(async () => "route data")).toBe("route data");
    expect(["core", "console", "admin"].map((p) => i18n.isLocaleLoaded("en", p as "core"))).toEqual([true, true, false]);
    const [firstConsoleKey] = Object.keys(enConsole);
    expect(i18n.getI18n("en").t(`${firstConsoleKey}`, { returnObjects: true })).toEqual((enConsole as Record<string, unknown>)[firstConsoleKey!]);

    (await import("./admin-messages")).registerAdminMessages();
    await i18n.loadLocale("en");
    expect(i18n.isLocaleLoaded("en", "admin")).toBe(true);
  });

  it("a page in the default language fetches nothing, and a failed fetch still renders the page", async () => {
    vi.resetModules();
    const i18n = await import("./i18n");
    vi.stubGlobal("document", { documentElement: { lang: "zh-CN" } });
    expect(await i18n.withMessagesInUse(async () => 1)).toBe(1);
    expect(i18n.isLocaleLoaded("en")).toBe(false);

    // Offline, the English console chunk cannot be fetched: the data still arrives (those strings
    // fall back to Chinese) and the next navigation tries again.
    vi.doMock("./locales/en.console", () => {
      throw new Error("Failed to fetch dynamically imported module");
    });
    (await import("./console-messages")).registerConsoleMessages();
    vi.stubGlobal("document", { documentElement: { lang: "en" } });
    expect(await i18n.withMessagesInUse(async () => 2)).toBe(2);
    expect(i18n.isLocaleLoaded("en", "core")).toBe(true);
    expect(i18n.isLocaleLoaded("en", "console")).toBe(false);
    vi.doUnmock("./locales/en.console");
  });
});
