/**
 * What the app serves, read from what was built and what it publishes — never from a hand list:
 *  - page routes from the Remix route manifest of the build (the manifest the server build names,
 *    public/build/manifest-<hash>.js: every route's id, parentId, path, index flag, hasLoader and
 *    hasAction), with each route's full URL pattern worked out by walking parentId to the root;
 *  - API operations from the OpenAPI document the Worker serves (paths × methods, with `security`).
 * The authorisation matrix (tests/integration/authz-matrix.test.ts) classifies each of them.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

interface ManifestRoute {
  id: string;
  parentId?: string;
  path?: string;
  index?: boolean;
  hasLoader: boolean;
  hasAction: boolean;
}

export interface PageRoute {
  id: string;
  parentId: string | undefined;
  /** The full URL pattern, e.g. "/orders/:id/review/:lineId" ("/" for the root and pathless layouts). */
  pattern: string;
  index: boolean;
  hasLoader: boolean;
  hasAction: boolean;
  /** The `:param` names in the pattern (a splat is "*"). */
  params: string[];
}

/** The manifest of the build in build/ (the file name the server build refers to, so never a stale one). */
function readManifest(): Record<string, ManifestRoute> {
  const server = readFileSync(path.join(root, "build/index.js"), "utf8");
  const names = [...new Set(server.match(/manifest-[A-Z0-9]+\.js/g) ?? [])];
  if (names.length !== 1) {
    const onDisk = readdirSync(path.join(root, "public/build")).filter((f) => f.startsWith("manifest-"));
    throw new Error(`Expected the server build to name one route manifest, found ${JSON.stringify(names)} (on disk: ${onDisk.join(", ")})`);
  }
  const source = readFileSync(path.join(root, "public/build", names[0]!), "utf8");
  const json = source.slice(source.indexOf("{"), source.lastIndexOf("}") + 1);
  return (JSON.parse(json) as { routes: Record<string, ManifestRoute> }).routes;
}

export function pageRoutes(): PageRoute[] {
  const routes = readManifest();
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
  hasBody: boolean;
  params: string[];
}

interface OpenApiDoc {
  paths: Record<string, Record<string, { operationId: string; security?: Array<Record<string, unknown>>; requestBody?: unknown }>>;
}

export function apiOperations(doc: OpenApiDoc): ApiOperation[] {
  return Object.entries(doc.paths).flatMap(([p, methods]) =>
    Object.entries(methods).map(([m, op]) => ({
      key: `${m.toUpperCase()} ${p}`,
      method: m.toUpperCase(),
      path: p,
      operationId: op.operationId,
      bearer: (op.security ?? []).some((s) => "bearerAuth" in s),
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
