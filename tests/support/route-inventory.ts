/**
 * What the app serves, read from what was built and what it publishes — never from a hand list:
 *  - page routes from the Remix route manifest of the build (the manifest the server build names,
 *    public/build/manifest-<hash>.js: every route's id, parentId, path, index flag, hasLoader and
 *    hasAction), with each route's full URL pattern worked out by walking parentId to the root;
 *  - API operations from the OpenAPI document the Worker serves (paths × methods, with `security`).
 * The authorisation matrix (tests/integration/authz-matrix.test.ts) classifies each of them.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

/** A route of the browser manifest. */
export interface ManifestRoute {
  id: string;
  parentId?: string;
  /** The route's own path segment(s); absent on index routes and pathless layouts. */
  path?: string;
  index?: boolean;
  hasLoader: boolean;
  hasAction: boolean;
  /** The route module's URL (/build/routes/…-HASH.js) and its static imports. */
  module: string;
  imports?: string[];
}

/** Remix's browser manifest (`window.__remixManifest=…` in public/build/manifest-<hash>.js). */
export interface BrowserManifest {
  url: string;
  version: string;
  entry: { module: string; imports: string[] };
  routes: Record<string, ManifestRoute>;
}

/**
 * The browser manifest of the build under `appRoot` (default: this checkout). The one reader of it
 * for every test and bench. When the server build exists, the manifest it names is the one read, so
 * a stale file left in public/build is never picked; without it, public/build must hold exactly one.
 * Throws (so a test fails, never passes vacuously) when the client was not built.
 */
export function readBrowserManifest(appRoot = root): BrowserManifest {
  const dir = path.join(appRoot, "public/build");
  const onDisk = existsSync(dir) ? readdirSync(dir).filter((f) => /^manifest-[0-9A-Z]+\.js$/.test(f)) : [];
  const serverBuild = path.join(appRoot, "build/index.js");
  const named = existsSync(serverBuild) ? [...new Set(readFileSync(serverBuild, "utf8").match(/manifest-[0-9A-Z]+\.js/g) ?? [])] : onDisk;
  if (named.length !== 1 || !onDisk.includes(named[0]!)) {
    throw new Error(`Expected one Remix browser manifest in ${dir}, named by the server build: found ${JSON.stringify(named)} (on disk: ${onDisk.join(", ") || "none"}); run \`npm run build\``);
  }
  const source = readFileSync(path.join(dir, named[0]!), "utf8");
  const manifest = JSON.parse(source.slice(source.indexOf("{"), source.lastIndexOf("}") + 1)) as BrowserManifest;
  if (!manifest.entry?.module || !manifest.routes?.root) throw new Error(`${named[0]} is not a Remix browser manifest`);
  return manifest;
}

export interface PageRoute {
  id: string;
  parentId: string | undefined;
  /** The full URL pattern, e.g. "/orders/:id/review/:lineId" ("/" for the root and pathless layouts). */
  pattern: string;
  index: boolean;
  /** Whether the route adds a path segment of its own (false for index routes and pathless layouts). */
  hasPath: boolean;
  hasLoader: boolean;
  hasAction: boolean;
  /** The `:param` names in the pattern (a splat is "*"). */
  params: string[];
}

/** Every route of the build with its full URL pattern (parentId walked to the root). */
export function pageRoutes(): PageRoute[] {
  const routes = readBrowserManifest().routes;
  const patternOf = (id: string): string => {
    const parts: string[] = [];
    for (let r: ManifestRoute | undefined = routes[id]; r; r = r.parentId ? routes[r.parentId] : undefined) {
      if (r.path) parts.unshift(r.path);
    }
    return `/${parts.join("/")}`.replace(/\/+/g, "/");
  };
  return Object.values(routes).map((r) => {
    const pattern = patternOf(r.id);
    return {
      id: r.id,
      parentId: r.parentId,
      pattern,
      index: r.index === true,
      hasPath: Boolean(r.path),
      hasLoader: r.hasLoader,
      hasAction: r.hasAction,
      params: [...pattern.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? "*"),
    };
  });
}

export interface ApiOperation {
  /** "GET /orders/{id}" */
  key: string;
  method: string;
  /** The OpenAPI path under /api/v1, e.g. "/orders/{id}". */
  path: string;
  operationId: string;
  /** Whether the document asks for a bearer token (`security: [{ bearerAuth: [] }]`). */
  bearer: boolean;
  /** The role the document says the bearer must hold (`x-required-role`), if any. */
  role: string | undefined;
  hasBody: boolean;
  params: string[];
}

interface OpenApiDoc {
  paths: Record<string, Record<string, { operationId: string; security?: Array<Record<string, unknown>>; requestBody?: unknown; "x-required-role"?: string }>>;
}

export function apiOperations(doc: OpenApiDoc): ApiOperation[] {
  return Object.entries(doc.paths).flatMap(([p, methods]) =>
    Object.entries(methods).map(([m, op]) => ({
      key: `${m.toUpperCase()} ${p}`,
      method: m.toUpperCase(),
      path: p,
      operationId: op.operationId,
      bearer: (op.security ?? []).some((s) => "bearerAuth" in s),
      role: op["x-required-role"],
      hasBody: op.requestBody !== undefined,
      params: [...p.matchAll(/\{(\w+)\}/g)].map((x) => x[1]!),
    })),
  );
}

/** Fills ":name"/"{name}" (and a "*" splat) from `values`; throws on a name it has no value for. */
export function fillPattern(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/:(\w+)|\{(\w+)\}|\*/g, (whole, colon?: string, brace?: string) => {
    const name = colon ?? brace ?? "*";
    const value = values[name];
    if (value === undefined) throw new Error(`No sample value for "${name}" in ${pattern}`);
    return name === "*" ? value : encodeURIComponent(value);
  });
}

/** Runs `fn` over `items`, at most `limit` at a time, results in input order. */
export async function inPool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return out;
}
