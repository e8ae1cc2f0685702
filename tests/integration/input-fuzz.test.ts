/**
 * Input hardening (issue 11 item 2): every page action in the built route manifest and every
 * /api/v1 operation in the OpenAPI document receives generated hostile input — oversized strings,
 * wrong types, unicode (emoji, RTL, NUL, lone surrogates), negative / huge / NaN / exponent numbers,
 * SQL and HTML payloads, arrays for scalars, missing and doubled fields, broken encodings; for the
 * API also malformed JSON, wrong Content-Type and JSON of the wrong shape. Each answer must be
 * below 500; a 400 must name a field; the Worker must log no error; and when every answer to an
 * action was a refusal, no business table may have gained or lost a row.
 *
 * Reproducible: the seed is fixed (printed); FUZZ_SEED=<n> FUZZ_RUNS=<n> for deeper local runs.
 */
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  FUZZ_RUNS,
  FUZZ_SEED,
  actionRoutes,
  changedTables,
  dataUrl,
  decodeData,
  encodeForm,
  formCase,
  formLevelCodes,
  formsOf,
  hasFieldError,
  isErrorCode,
  hostileJson,
  hostileString,
  seedFor,
  show,
  tableCounts,
  type FormCase,
  type FormField,
} from "../support/fuzz";
import { type Client, type TestWorker, startWorker } from "../support/worker";

let worker: TestWorker;

type Actor = "anonymous" | "shopper" | "leader" | "merchant" | "admin" | "logout";

const ACCOUNTS: Record<Exclude<Actor, "anonymous">, string> = {
  shopper: "shopper1@demo.tuangou.test",
  leader: "leader1@demo.tuangou.test",
  merchant: "fruit@demo.tuangou.test",
  admin: "admin@demo.tuangou.test",
  // /logout's own session, so signing it out leaves the shopper's alone
  logout: "shopper1@demo.tuangou.test",
};
const SHOPPER_ID = "usr_demoshopper01000000";

/** Who may use a page action, by path prefix (first match wins). */
const PAGE_ACTORS: Array<[RegExp, Actor]> = [
  [/^\/admin\b/, "admin"],
  [/^\/merchant\b/, "merchant"],
  [/^\/leader\b/, "leader"],
  [/^\/(login|signup)$/, "anonymous"],
  [/^\/logout$/, "logout"],
  [/^\//, "shopper"],
];

/** Who may use an API operation, by path prefix. */
const API_ACTORS: Array<[RegExp, Actor]> = [
  [/^\/admin\b/, "admin"],
  [/^\/merchant\b/, "merchant"],
  [/^\/leader\b/, "leader"],
  [/^\/auth\b/, "anonymous"],
  [/^\//, "shopper"],
];

/** Page actions not fuzzed as pages, and why. A route with an action that is neither here nor fuzzable fails the test. */
const PAGE_EXCEPTIONS: Record<string, string> = {
  "routes/api.v1.$": "the JSON API; every operation is fuzzed from its OpenAPI document below",
};

/**
 * Tables whose rows may change while a request is refused: sessions and sign-in codes (the actors
 * sign in again when a fuzzed action signs them out), the outbox, the audit trail of refusals,
 * analytics beacons.
 */
const VOLATILE_TABLES = new Set(["sessions", "sign_in_codes", "outbox_messages", "audit_log", "analytics_events", "user_devices"]);

/**
 * A refusal may be form-level (a stable code, no field) when the request carries no intent the
 * action knows: there is no field of any form to name.
 */
const FORM_LEVEL_CODES = new Set(["intent_invalid"]);

/** Page actions whose forms are a single button with hidden values only: their refusals are form-level codes. */
const FORM_LEVEL_ROUTES: Record<string, string> = {
  "routes/_shop.coupons": "claim buttons: the only inputs are the intent and the hidden template id each button carries",
  "routes/admin.member-products": "add / remove buttons: the only inputs are the intent and the hidden product id each button carries",
  "routes/merchant.products.import": "one file input: its refusals (file_required, file_too_large, …) concern that field; row errors name their column",
};

/** Statuses whose answer must name a field. */
const FIELD_ERROR_STATUSES = new Set([400, 422]);

const clients = new Map<Actor, Client>();
const tokens = new Map<Actor, string>();
let ipCounter = 20;

async function signIn(actor: Actor): Promise<Client> {
  const client = worker.client({ ip: `198.51.100.${ipCounter++}` });
  if (actor !== "anonymous") {
    const res = await client.post("/login", { intent: "password", email: ACCOUNTS[actor], password: "demo-pass-2026" });
    if (res.status !== 302) throw new Error(`${actor} could not sign in: ${res.status}`);
  }
  clients.set(actor, client);
  return client;
}

/** The actor's signed-in client (signed in again with `fresh` when a fuzzed action ended its session). */
async function clientFor(actor: Actor, fresh = false): Promise<Client> {
  const known = clients.get(actor);
  if (known && !fresh) return known;
  return signIn(actor);
}

/** The actor's bearer token (a new one with `fresh`, after a 401). */
async function apiToken(actor: Actor, fresh = false): Promise<string | undefined> {
  if (actor === "anonymous" || actor === "logout") return undefined;
  const known = tokens.get(actor);
  if (known && !fresh) return known;
  const res = await worker.fetch("/api/v1/auth/sign-in", {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": `198.51.100.${ipCounter++}` },
    body: JSON.stringify({ method: "password", email: ACCOUNTS[actor], password: "demo-pass-2026" }),
  });
  if (res.status !== 200) throw new Error(`${actor} could not get an API token: ${res.status}`);
  const token = ((await res.json()) as { token: string }).token;
  tokens.set(actor, token);
  return token;
}

async function first(sql: string, fallback: string): Promise<string> {
  const row = await worker.d1.prepare(sql).first<{ v: string }>();
  return row?.v ?? fallback;
}

/** A concrete URL for each dynamic segment, from the seeded world (a made-up one where the world has none). */
async function concretePath(route: { id: string; path: string }): Promise<string> {
  const shopperOrder = `SELECT id AS v FROM orders WHERE user_id = '${SHOPPER_ID}' ORDER BY created_at LIMIT 1`;
  const values: Record<string, () => Promise<string>> = {
    "routes/_shop.flash-sales.$id": async () => `/flash-sales/${await first("SELECT id AS v FROM flash_sales ORDER BY id LIMIT 1", "fls_00000000000000000000")}`,
    "routes/_shop.groups.$id": async () => `/groups/${await first("SELECT id AS v FROM group_deals ORDER BY id LIMIT 1", "grp_00000000000000000000")}`,
    "routes/_shop.join.$code": async () => `/join/${await first("SELECT invite_code AS v FROM pickup_points WHERE id = 'pkp_demosunshine00000000'", "SUNNY888")}`,
    "routes/_shop.join.merchant.$token": async () => "/join/merchant/not-a-real-invitation-token",
    "routes/_shop.orders.$id": async () => `/orders/${await first(shopperOrder, "ord_00000000000000000000")}`,
    "routes/_shop.orders.$id_.review.$lineId": async () => {
      const row = await worker.d1
        .prepare("SELECT o.id AS o, l.id AS l FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.user_id = ? ORDER BY o.created_at LIMIT 1")
        .bind(SHOPPER_ID)
        .first<{ o: string; l: string }>();
      return `/orders/${row?.o ?? "ord_00000000000000000000"}/review/${row?.l ?? "oli_00000000000000000000"}`;
    },
    "routes/_shop.products.$id": async () => "/products/prd_demostrawberry000000",
    "routes/admin.users_.$id": async () => "/admin/users/usr_demoshopper12000000",
    "routes/merchant.orders.$id": async () =>
      `/merchant/orders/${await first("SELECT order_id AS v FROM order_lines WHERE merchant_id = 'mch_demofruit00000000000' ORDER BY order_id LIMIT 1", "ord_00000000000000000000")}`,
    "routes/merchant.products.$id": async () => `/merchant/products/${await first("SELECT id AS v FROM products WHERE merchant_id = 'mch_demofruit00000000000' ORDER BY id LIMIT 1", "prd_00000000000000000000")}`,
    "routes/pay.sandbox.$paymentId": async () =>
      `/pay/sandbox/${await first(`SELECT p.id AS v FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.user_id = '${SHOPPER_ID}' ORDER BY p.created_at LIMIT 1`, "pay_00000000000000000000")}`,
    "routes/$": async () => "/no-such-page/%E2%80%AE",
  };
  if (values[route.id]) return values[route.id]!();
  if (/[:*]/.test(route.path)) throw new Error(`New dynamic route ${route.id} (${route.path}): give it a concrete path in concretePath() or an entry in PAGE_EXCEPTIONS`);
  return route.path;
}

beforeAll(async () => {
  worker = await startWorker();
  console.info(`[input-fuzz] seed ${FUZZ_SEED}, ${FUZZ_RUNS} runs per action (override with FUZZ_SEED / FUZZ_RUNS)`);
});
afterAll(() => worker?.dispose());
// A provider callback without a valid signature is refused and logged on purpose (a warning, the
// security trail); any other line on stderr fails the test.
afterEach(() => worker.expectNoServerErrors([/payment notification from \w+ rejected: /]));

// -----------------------------------------------------------------------------------------------
// Page actions

const ROUTES = actionRoutes();

describe("page actions", () => {
  it("finds the actions in the built route manifest", () => {
    expect(ROUTES.length).toBeGreaterThan(40);
    for (const id of Object.keys(PAGE_EXCEPTIONS)) expect(ROUTES.map((r) => r.id), `stale exception ${id}`).toContain(id);
  });

  it.each(ROUTES.filter((r) => !(r.id in PAGE_EXCEPTIONS)).map((r) => [r.id, r] as const))(
    "%s answers hostile forms with a 4xx that names a field, and writes nothing",
    async (_id, route) => {
      const pathname = await concretePath(route);
      const actor = PAGE_ACTORS.find(([re]) => re.test(pathname))![1];
      let client = await clientFor(actor);
      let page = await client.get(pathname + (route.index ? "?index" : ""));
      if (actor !== "anonymous" && page.headers.get("location")?.startsWith("/login")) {
        client = await clientFor(actor, true);
        page = await client.get(pathname + (route.index ? "?index" : ""));
      }
      expect(page.status, `GET ${pathname}`).toBeLessThan(500);
      const forms: FormField[][] = page.status === 200 ? formsOf(await page.text(), pathname) : (await page.arrayBuffer(), []);

      const before = await tableCounts(worker.d1);
      const statuses: number[] = [];
      const problems: string[] = [];
      const send = async (c: FormCase) => {
        const { body, contentType } = await encodeForm(c);
        const url = c.mode === "data" ? dataUrl(pathname, route.index) : pathname + (route.index ? "?index" : "");
        const res = await client.request(url, { method: "POST", body, headers: { Origin: client.origin, "Content-Type": contentType } });
        statuses.push(res.status);
        const label = `POST ${url} (${actor}) ${show(c.pairs)}${c.rawTail ? ` + ${c.rawTail}` : ""} [${c.encoding}] → ${res.status}`;
        if (res.status >= 500) {
          problems.push(`${label}: ${show(await res.text())}`);
          return;
        }
        if (c.encoding === "multipart" && c.pairs.some(([name]) => name === "")) {
          // a part without a name: no browser sends it; the Worker refuses the body before any action
          const text = await res.text();
          if (res.status !== 400 || !text.startsWith("400 Bad Request")) problems.push(`${label}: expected the Worker's 400 for a malformed multipart body, got ${show(text)}`);
        } else if (c.mode === "data" && FIELD_ERROR_STATUSES.has(res.status)) {
          const data = await decodeData(res);
          if (!hasFieldError(data)) {
            const codes = formLevelCodes(data);
            const accepted = codes.length > 0 && codes.every(isErrorCode) && (codes.every((code) => FORM_LEVEL_CODES.has(code)) || route.id in FORM_LEVEL_ROUTES);
            if (!accepted) problems.push(`${label}: no field named in ${show(data)}`);
          }
        } else {
          await res.arrayBuffer();
        }
        // A fuzzed action may sign its actor out (e.g. /logout); keep the others signed in.
        if (actor !== "anonymous" && (res.status === 401 || res.headers.get("location")?.startsWith("/login"))) client = await clientFor(actor, true);
      };

      await fc.assert(
        fc.asyncProperty(formCase(forms), async (c) => {
          await send(c);
        }),
        { seed: seedFor(route.id), numRuns: FUZZ_RUNS, endOnFailure: true },
      );
      // Wrong Content-Type for a page action: refused before any action runs.
      for (const contentType of [ROUTES.indexOf(route) % 2 ? "application/json" : "text/plain"]) {
        const res = await client.request(pathname, { method: "POST", body: '{"intent":"x"}', headers: { Origin: client.origin, "Content-Type": contentType } });
        statuses.push(res.status);
        await res.arrayBuffer();
        if (res.status !== 415) problems.push(`POST ${pathname} as ${contentType} → ${res.status} (expected 415)`);
      }

      if (statuses.every((s) => s >= 400 && s < 500)) {
        const changed = changedTables(before, await tableCounts(worker.d1), VOLATILE_TABLES);
        if (changed.length) problems.push(`every request was refused, yet rows changed: ${changed.join(", ")}`);
      }
      expect(problems, `${route.id} (${forms.length} forms: ${forms.map((f) => f.map((x) => x.name).join(",")).join(" | ")})`).toEqual([]);
    },
    120_000,
  );
});

// -----------------------------------------------------------------------------------------------
// API operations

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  $ref?: string;
}
interface Operation {
  operationId: string;
  parameters?: Array<{ name: string; in: "path" | "query"; schema?: JsonSchema }>;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  "x-provider-callback"?: boolean;
}

/** Refusals of a request that cannot be read at all (broken JSON, a path that is not UTF-8): no field to name. */
const UNPARSEABLE_CODES = new Set(["invalid_json", "invalid_path"]);

/**
 * Provider callbacks answer in the provider's own acknowledgement format (verified by signature),
 * not the API's error body; they are fuzzed for "no 5xx, no write", not for a named field.
 */
const PROVIDER_FORMAT = (op: Operation) => op["x-provider-callback"] === true;

/** Every property name (and the valid values the schema lists for it) across unions and nesting levels of one object. */
function propertiesOf(schema: JsonSchema | undefined, into = new Map<string, unknown[]>()): Map<string, unknown[]> {
  if (!schema) return into;
  for (const s of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) propertiesOf(s, into);
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const valid = into.get(name) ?? [];
    for (const alt of [prop, ...(prop.anyOf ?? []), ...(prop.oneOf ?? [])]) {
      if (alt.const !== undefined) valid.push(alt.const);
      if (alt.enum) valid.push(...alt.enum);
    }
    into.set(name, valid);
  }
  return into;
}

/** A path segment; a lone surrogate (which encodeURIComponent refuses) goes as its raw UTF-8 bytes. */
function encodePathValue(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return "%ED%A0%80";
  }
}

type ApiCase =
  | { kind: "object"; body: Record<string, unknown>; path: string[]; query: Array<[string, string]> }
  | { kind: "raw"; text: string; contentType: string; path: string[]; query: Array<[string, string]> };

function apiCase(props: Map<string, unknown[]>, pathParams: string[], queryParams: string[]): fc.Arbitrary<ApiCase> {
  const pathValues = fc.tuple(
    ...pathParams.map(() => fc.oneof(hostileString.filter((s) => s.length > 0 && s.length < 2000), fc.constantFrom("ord_00000000000000000000", "prd_demostrawberry000000", "sandbox", "-1", "..")).map(encodePathValue)),
  );
  const query = fc.tuple(...queryParams.map((name) => fc.option(hostileString.filter((s) => s.length < 2000).map((v) => [name, v] as [string, string]), { nil: undefined }))).map((q) => q.filter((x): x is [string, string] => x !== undefined));
  const field = ([name, valid]: [string, unknown[]]) =>
    fc.oneof(
      { weight: valid.length ? 2 : 0, arbitrary: fc.constantFrom(...(valid.length ? valid : [null])).map((v) => [[name, v]] as Array<[string, unknown]>) },
      { weight: 6, arbitrary: hostileJson.map((v) => [[name, v]] as Array<[string, unknown]>) },
      { weight: 1, arbitrary: fc.constant([] as Array<[string, unknown]>) },
    );
  const object = fc
    .tuple(fc.tuple(...[...props].map(field)), fc.array(fc.tuple(fc.constantFrom("__proto__", "constructor", "extra", ""), hostileJson), { maxLength: 2 }))
    .map(([fields, extra]) => Object.fromEntries([...fields.flat(), ...extra]));
  const raw = fc.oneof(
    fc.constantFrom(
      { text: "{oops", contentType: "application/json" },
      { text: '{"a":1,}', contentType: "application/json" },
      { text: "", contentType: "application/json" },
      { text: "[]", contentType: "application/json" },
      { text: "null", contentType: "application/json" },
      { text: '"string"', contentType: "application/json" },
      { text: "1e400", contentType: "application/json" },
      { text: '{"amountFen": 1e400, "quantity": -1e400}', contentType: "application/json" },
      { text: "\uFEFF{}", contentType: "application/json; charset=utf-8" },
      { text: '{"a":"\\ud800"}', contentType: "application/json" },
      { text: "intent=x&quantity=1", contentType: "application/x-www-form-urlencoded" },
      { text: "{}", contentType: "text/plain" },
      { text: "{}", contentType: "application/xml" },
      { text: JSON.stringify({ padding: "x".repeat(70_000) }), contentType: "application/json" },
    ),
    object.map((o) => ({ text: JSON.stringify(o), contentType: "text/plain;charset=UTF-8" })),
  );
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(object, pathValues, query).map(([body, path, q]) => ({ kind: "object" as const, body, path, query: q })) },
    { weight: 1, arbitrary: fc.tuple(raw, pathValues, query).map(([r, path, q]) => ({ kind: "raw" as const, ...r, path, query: q })) },
  );
}

describe("/api/v1 operations", () => {
  it("answers hostile requests to every operation with a 4xx that names a field, and writes nothing", async () => {
    const doc = (await (await worker.fetch("/api/v1/openapi.json")).json()) as { paths: Record<string, Record<string, Operation>> };
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => op.requestBody || op.parameters?.length)
        .map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );
    expect(ops.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const { path, method, op } of ops) {
      const actor = API_ACTORS.find(([re]) => re.test(path))![1];
      const pathParams = (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
      const queryParams = (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
      const props = propertiesOf(op.requestBody?.content["application/json"]?.schema);
      const before = await tableCounts(worker.d1);
      const statuses: number[] = [];
      await fc.assert(
        fc.asyncProperty(apiCase(props, pathParams, queryParams), async (c) => {
          let url = `/api/v1${path}`;
          pathParams.forEach((name, i) => (url = url.replace(`{${name}}`, c.path[i]!)));
          if (c.query.length) url += `?${new URLSearchParams(c.query)}`;
          const token = await apiToken(actor);
          const headers: Record<string, string> = { "CF-Connecting-IP": "203.0.113.200", "Accept-Language": "en", ...(token ? { Authorization: `Bearer ${token}` } : {}) };
          let body: string | undefined;
          if (method !== "GET" && method !== "DELETE") {
            body = c.kind === "object" ? JSON.stringify(c.body) : c.text;
            headers["Content-Type"] = c.kind === "object" ? "application/json" : c.contentType;
          }
          const res = await worker.fetch(url, { method, headers, body });
          statuses.push(res.status);
          if (res.status === 401 && token) await apiToken(actor, true);
          const text = await res.text();
          const label = `${method} ${show(url, 200)} (${actor}) ${c.kind === "object" ? show(c.body) : `${c.contentType}: ${show(c.text, 120)}`} → ${res.status}`;
          if (res.status >= 500) problems.push(`${label}: ${show(text)}`);
          else if (res.status >= 400 && !PROVIDER_FORMAT(op)) {
            let json: { error?: { code?: string; fields?: Record<string, string[]> } } | null = null;
            try {
              json = JSON.parse(text);
            } catch {
              problems.push(`${label}: not the JSON error body: ${show(text)}`);
              return;
            }
            if (typeof json?.error?.code !== "string") problems.push(`${label}: no error.code in ${show(json)}`);
            else if (FIELD_ERROR_STATUSES.has(res.status) && !UNPARSEABLE_CODES.has(json.error.code) && !Object.keys(json.error.fields ?? {}).some((k) => k !== ""))
              problems.push(`${label}: no field named in ${show(json)}`);
          }
        }),
        { seed: seedFor(`${method} ${path}`), numRuns: FUZZ_RUNS, endOnFailure: true },
      );
      if (statuses.every((s) => s >= 400 && s < 500)) {
        const changed = changedTables(before, await tableCounts(worker.d1), VOLATILE_TABLES);
        if (changed.length) problems.push(`${method} ${path}: every request was refused, yet rows changed: ${changed.join(", ")}`);
      }
    }
    console.info(`[input-fuzz] ${ops.length} API operations fuzzed`);
    expect(problems).toEqual([]);
  }, 300_000);
});

// -----------------------------------------------------------------------------------------------
// What deeper runs found, kept as fixed cases so they stay fixed whatever the seed.

describe("regressions found by fuzzing", () => {
  it("a forged Conform control is an error on that field, not a 500", async () => {
    const client = await clientFor("shopper");
    for (const intent of ["１２３", "null", "{}", JSON.stringify({ type: "remove", payload: { name: "label", index: 0 } })]) {
      const res = await client.request("/me/addresses.data", {
        method: "POST",
        body: new URLSearchParams({ label: "家", __intent__: intent }).toString(),
        headers: { Origin: client.origin, "Content-Type": "application/x-www-form-urlencoded" },
      });
      expect(res.status, intent).toBe(400);
      expect(await decodeData(res)).toMatchObject({ data: { result: { error: { __intent__: ["form_control_invalid"] } } } });
    }
  });

  it("a multipart body with a nameless part is a 400 before any action", async () => {
    const client = await clientFor("shopper");
    const form = new FormData();
    form.append("", "x");
    const encoded = new Response(form);
    const res = await client.request("/preferences", {
      method: "POST",
      body: new Uint8Array(await encoded.arrayBuffer()),
      headers: { Origin: client.origin, "Content-Type": encoded.headers.get("Content-Type")! },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^400 Bad Request/);
  });

  it("API paths that are not UTF-8, hold a stray %, or an encoded line break get the JSON error body", async () => {
    const token = await apiToken("leader");
    const get = (path: string) => worker.fetch(`/api/v1${path}`, { headers: { Authorization: `Bearer ${token}`, "Accept-Language": "en" } });
    const notUtf8 = await get("/leader/pickups/%ED%A0%80");
    expect(notUtf8.status).toBe(400);
    expect(await notUtf8.json()).toMatchObject({ error: { code: "invalid_path" } });
    const strayPercent = await get("/leader/pickups/%2500%25FF");
    expect(strayPercent.status).toBe(400);
    expect(await strayPercent.json()).toMatchObject({ error: { code: "validation_failed", fields: { code: ["code_invalid"] } } });
    const lineBreak = await get("/group-deals/grp_x%0A");
    expect(lineBreak.status).toBe(404);
    expect(await lineBreak.json()).toMatchObject({ error: { code: "not_found" } });
  });
});
