/**
 * Input-fuzz helpers (tests/integration/input-fuzz.test.ts): hostile values as fast-check
 * arbitraries, the built route manifest, the <form>s of a rendered page, the single-fetch
 * (turbo-stream) action answer, and row counts of every table.
 */
import fc from "fast-check";
import { decode } from "turbo-stream";
import { pageRoutes } from "./route-inventory";

// ---------------------------------------------------------------------------------------------
// The seed: fixed in CI, FUZZ_SEED / FUZZ_RUNS for deeper local runs.

export const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261126;
export const FUZZ_RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 6;

/** A per-target seed, so adding a route does not reshuffle what every other route receives. */
export function seedFor(name: string): number {
  let h = FUZZ_SEED | 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h | 0;
}

// ---------------------------------------------------------------------------------------------
// Hostile values.

export const OVERSIZED = "长".repeat(34_000) + "x".repeat(2_000); // ~100 KB of UTF-8

/** Fixed payloads every kind of field should survive. */
export const HOSTILE_STRINGS = [
  "",
  " ",
  "' OR 1=1 --",
  "'; DROP TABLE users; --",
  '" OR ""="',
  "1) UNION SELECT name FROM sqlite_master --",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "javascript:alert(1)",
  "\u0000",
  "a\u0000b",
  "\uD800",
  "\uDFFF\uD800",
  "\u202Eevil\u202C",
  "\u200B\uFEFF",
  "👨‍👩‍👧‍👦🏳️‍🌈🧧",
  "ﷺ𒐫𒈙",
  "null",
  "undefined",
  "true",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "../../../etc/passwd",
  "%00%FF",
  "-1",
  "-0",
  "0",
  "-2147483649",
  "9007199254740993",
  "99999999999999999999999999",
  "1e308",
  "1e-400",
  "-1e309",
  "NaN",
  "Infinity",
  "0x7fffffff",
  "1.5",
  "1,000",
  "１２３",
  "2026-02-30",
  "9999-12-31T23:59:59Z",
  "13800000000\n",
  "x".repeat(257),
  OVERSIZED,
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n })).map(String) },
);

/** A JSON value of any type, for API bodies (wrong types, nesting, huge numbers). */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, 0, -1, -0.5, 1.5, 2 ** 53 + 2, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom("a", "__proto__", "id", ""), hostileString, { maxKeys: 2 }) },
);

// ---------------------------------------------------------------------------------------------
// Page routes from the built route manifest (public/build/manifest-*.js, what the browser loads).

export function actionRoutes(): Array<{ id: string; path: string; index: boolean }> {
  return pageRoutes()
    .filter((r) => r.hasAction)
    .map((r) => ({ id: r.id, path: r.pattern, index: r.index }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

// ---------------------------------------------------------------------------------------------
// The POST forms of a rendered page that submit to the page's own action.

export interface FormField {
  name: string;
  /** Values the page itself offers (hidden inputs, buttons, options); empty for free text. */
  values: string[];
  hidden: boolean;
}

const unescapeHtml = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}=(?:"([^"]*)"|'([^']*)')`, "i").exec(tag);
  return m ? unescapeHtml(m[1] ?? m[2] ?? "") : null;
}

/** Field names (and the values the page offers for them) of every POST form aimed at `pathname`. */
export function formsOf(html: string, pathname: string): FormField[][] {
  const forms: FormField[][] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const open = m[1]!;
    if ((attr(open, "method") ?? "get").toLowerCase() !== "post") continue;
    const action = attr(open, "action");
    if (action !== null && action !== "") {
      const target = new URL(action, `http://x${pathname}`);
      if (target.pathname !== pathname) continue;
    }
    const fields = new Map<string, FormField>();
    for (const t of m[2]!.matchAll(/<(input|select|textarea|button)\b([^>]*)>/gi)) {
      const tag = t[2]!;
      const name = attr(tag, "name");
      if (!name) continue;
      const type = (attr(tag, "type") ?? "").toLowerCase();
      if (type === "file") continue;
      const f = fields.get(name) ?? { name, values: [], hidden: false };
      const value = attr(tag, "value");
      if (type === "hidden") f.hidden = true;
      if (value !== null && (type === "hidden" || type === "radio" || type === "checkbox" || t[1]!.toLowerCase() === "button" || type === "submit")) {
        if (!f.values.includes(value)) f.values.push(value);
      }
      fields.set(name, f);
    }
    for (const s of m[2]!.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/gi)) {
      const name = attr(s[1]!, "name");
      const f = name ? fields.get(name) : undefined;
      if (!f) continue;
      for (const o of s[2]!.matchAll(/<option\b([^>]*)>/gi)) {
        const value = attr(o[1]!, "value");
        if (value !== null && !f.values.includes(value)) f.values.push(value);
      }
    }
    if (fields.size) forms.push([...fields.values()]);
  }
  return forms;
}

// ---------------------------------------------------------------------------------------------
// A generated form submission.

export interface FormCase {
  /** Name/value pairs in order; a name may repeat (an array where a scalar is expected). */
  pairs: Array<[string, string]>;
  encoding: "urlencoded" | "multipart";
  /** Raw bytes appended to a urlencoded body (broken percent escapes, invalid UTF-8). */
  rawTail: string;
  /** `.data` (what the browser sends with JS on; the action's data comes back) or the document. */
  mode: "data" | "document";
}

/** Forms filled with hostile values: the page's own names, some kept valid, some missing, some doubled. */
export function formCase(forms: FormField[][]): fc.Arbitrary<FormCase> {
  const pickForm = forms.length ? fc.constantFrom(...forms) : fc.constant<FormField[]>([]);
  const extraNames = fc.constantFrom("intent", "id", "__proto__", "a[0]", "items[0].quantity", "x.y", "", "名字", "__intent__", "__state__");
  return fc
    .tuple(
      pickForm.chain((fields) =>
        fc.tuple(
          ...fields.map((f) =>
            fc.oneof(
              // keep a value the page offers (so the hostile values reach past intent/id dispatch)
              { weight: f.values.length ? (f.hidden || f.name === "intent" ? 6 : 2) : 0, arbitrary: fc.constantFrom(...(f.values.length ? f.values : [""])).map((v) => [[f.name, v]] as Array<[string, string]>) },
              { weight: 6, arbitrary: hostileString.map((v) => [[f.name, v]] as Array<[string, string]>) },
              { weight: 1, arbitrary: fc.constant([] as Array<[string, string]>) },
              { weight: 1, arbitrary: fc.tuple(hostileString, hostileString).map(([a, b]) => [[f.name, a], [f.name, b]] as Array<[string, string]>) },
              { weight: 1, arbitrary: hostileString.map((v) => [[`${f.name}[0]`, v]] as Array<[string, string]>) },
            ),
          ),
        ),
      ),
      fc.array(fc.tuple(extraNames, hostileString), { maxLength: 2 }),
      fc.constantFrom<FormCase["encoding"]>("urlencoded", "urlencoded", "multipart"),
      fc.constantFrom("", "", "", "&%ZZ=%FF%FE&broken&=&%E0%A4%A", "&intent=%00"),
      fc.constantFrom<FormCase["mode"]>("data", "data", "data", "document"),
    )
    .map(([fieldPairs, extra, encoding, rawTail, mode]) => ({ pairs: [...fieldPairs.flat(), ...extra], encoding, rawTail: encoding === "urlencoded" ? rawTail : "", mode }));
}

/** Body and Content-Type of a generated form. */
export async function encodeForm(c: FormCase): Promise<{ body: Uint8Array<ArrayBuffer> | string; contentType: string }> {
  if (c.encoding === "urlencoded") {
    return { body: new URLSearchParams(c.pairs).toString() + c.rawTail, contentType: "application/x-www-form-urlencoded" };
  }
  const form = new FormData();
  for (const [i, [k, v]] of c.pairs.entries()) {
    // now and then a file where a text value is expected
    if (i % 4 === 3) form.append(k, new File([v], "evil<>.txt", { type: "text/html" }));
    else form.append(k, v);
  }
  const encoded = new Response(form);
  return { body: new Uint8Array(await encoded.arrayBuffer()), contentType: encoded.headers.get("Content-Type")! };
}

/** Remix single-fetch URL of a route's action. */
export function dataUrl(pathname: string, index: boolean): string {
  const base = pathname === "/" ? "/_root.data" : `${pathname.replace(/\/$/, "")}.data`;
  return index ? `${base}?index` : base;
}

/** Decodes a single-fetch (turbo-stream) answer into plain values. */
export async function decodeData(res: Response): Promise<unknown> {
  if (!res.body) return null;
  const decoded = await decode(res.body, {
    plugins: [
      (type: string, ...rest: unknown[]) => {
        if (type === "SanitizedError") return { value: { error: String(rest[1]) } };
        if (type === "ErrorResponse") return { value: { data: rest[0], status: rest[1] } };
        if (type === "SingleFetchRedirect") return { value: { redirect: rest[0] } };
        return undefined;
      },
    ],
  });
  await decoded.done;
  return decoded.value;
}

const CODE = /^[a-z][a-z0-9_.]*$/;

/**
 * Whether an action's answer names at least one field: a map `{ field: ["code", …] }` under a key
 * such as `errors`, `error` (conform's reply), `fieldErrors` or `fields`, or a list of
 * `{ field | column, code }` (row-wise forms: bulk edit, CSV import).
 */
export function hasFieldError(value: unknown, depth = 0): boolean {
  if (depth > 8 || value === null || typeof value !== "object") return false;
  for (const [key, inner] of Object.entries(value)) {
    if (/(errors?|fields)$/i.test(key) && inner && typeof inner === "object") {
      if (Array.isArray(inner)) {
        if (inner.some((e) => e && typeof e === "object" && typeof e.code === "string" && CODE.test(e.code) && ((typeof e.field === "string" && e.field !== "") || (typeof e.column === "string" && e.column !== "")))) return true;
      } else {
        for (const [field, codes] of Object.entries(inner)) {
          if (field !== "" && Array.isArray(codes) && codes.length > 0 && codes.every((c) => typeof c === "string" && c.length > 0)) return true;
        }
      }
    }
    if (hasFieldError(inner, depth + 1)) return true;
  }
  return false;
}

/** The form-level error codes in an answer (`error: "code"`, `formError`, `errors[""]`, conform's `error[""]`). */
export function formLevelCodes(value: unknown, depth = 0): string[] {
  if (depth > 8 || value === null || typeof value !== "object") return [];
  const codes: string[] = [];
  for (const [key, inner] of Object.entries(value)) {
    if (/^(error|formError|problem)$/.test(key) && typeof inner === "string") codes.push(inner);
    if (/errors?$/i.test(key) && inner && typeof inner === "object" && !Array.isArray(inner) && Array.isArray((inner as Record<string, unknown>)[""]))
      codes.push(...((inner as Record<string, unknown[]>)[""]!.filter((c) => typeof c === "string") as string[]));
    if (/errors$/i.test(key) && Array.isArray(inner)) for (const e of inner) if (e && typeof e === "object" && typeof e.code === "string") codes.push(e.code);
    codes.push(...formLevelCodes(inner, depth + 1));
  }
  return codes;
}

export const isErrorCode = (s: string) => CODE.test(s);

// ---------------------------------------------------------------------------------------------
// Row counts of every table.

let countAll: string | null = null;

/**
 * Rows in every table, in one statement (the table list is read once): Miniflare's Node-side D1
 * proxy makes one synchronous round trip per call, which is slow and, on a busy machine, fragile.
 */
export async function tableCounts(d1: D1Database): Promise<Record<string, number>> {
  if (!countAll) {
    const { results } = await d1
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%' ORDER BY name")
      .all<{ name: string }>();
    // FTS shadow tables follow their virtual table
    const names = results.map((r) => r.name).filter((n) => !/_(data|idx|content|docsize|config)$/.test(n));
    countAll = `SELECT ${names.map((n) => `(SELECT count(*) FROM "${n}") AS "${n}"`).join(", ")}`;
  }
  return (await d1.prepare(countAll).first<Record<string, number>>())!;
}

export function changedTables(before: Record<string, number>, after: Record<string, number>, ignore: ReadonlySet<string>): string[] {
  return Object.keys({ ...before, ...after })
    .filter((t) => !ignore.has(t) && before[t] !== after[t])
    .map((t) => `${t}: ${before[t]} → ${after[t]}`);
}

/** A short, printable description of a value for failure messages. */
export function show(value: unknown, max = 300): string {
  const s = typeof value === "string" ? value : JSON.stringify(value, (_k, v) => (typeof v === "string" && v.length > 60 ? `${v.slice(0, 40)}…(${v.length} chars)` : v));
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
