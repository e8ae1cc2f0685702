/**
 * First-load size of every page, measured from the built client (public/build): the one measuring
 * code shared by the budget test (tests/integration/bundle-budgets.test.ts) and the bench
 * (tests/bench/run.ts).
 *
 * A document request for a route loads, as separate files:
 *   - the Remix browser manifest (`manifest-*.js`) — unless lazy route discovery is on
 *     (future.v3_lazyRouteDiscovery in remix.config.js, as here): then the document inlines the
 *     matched routes' part of it instead and the file is only fetched by older code paths,
 *   - the entry (`entry.client-*.js`) and its imports,
 *   - every route module of the match chain (root → layouts → the page) and their imports,
 *   - and whatever those files import statically in turn (read from the files themselves, so a
 *     chunk the manifest leaves out is still counted),
 * each file once. Dynamic `import()`s (another language, the QR scanner) are not first load.
 * CSS: every `/build/_assets/*.css` those modules reference (the `links` they export).
 * Each file is gzipped on its own (node:zlib, level 9), as it travels, and the sizes are summed.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { type BrowserManifest, type ManifestRoute, readBrowserManifest } from "./route-inventory";

export const GZIP_LEVEL = 9;

export interface FirstLoad {
  routeId: string;
  /** URLs (/build/…) of the JavaScript files, sorted. */
  jsFiles: string[];
  jsRaw: number;
  jsGzip: number;
  cssFiles: string[];
  cssRaw: number;
  cssGzip: number;
}

/** Whether remix.config.js turns on lazy route discovery (the document then inlines a partial manifest). */
export function lazyRouteDiscovery(root: string): boolean {
  const config = readFileSync(path.join(root, "remix.config.js"), "utf8");
  return /\bv3_lazyRouteDiscovery\s*:\s*true\b/.test(config);
}

/** A meter for the app at `root` (its public/ and remix.config.js). */
export function appBundleMeter(root: string): BundleMeter {
  return new BundleMeter(path.join(root, "public"), { lazyRouteDiscovery: lazyRouteDiscovery(root) });
}

/** Measures files by URL, once each (gzip is the slow part: 100+ routes share most files). */
export class BundleMeter {
  private readonly cache = new Map<string, { raw: number; gzip: number; text: string }>();
  readonly manifest: BrowserManifest;

  /** Whether the manifest file is part of a first load (false with lazy route discovery). */
  readonly manifestFileLoaded: boolean;

  constructor(
    readonly publicDir: string,
    options: { lazyRouteDiscovery: boolean },
  ) {
    this.manifest = readBrowserManifest(path.dirname(publicDir));
    this.manifestFileLoaded = !options.lazyRouteDiscovery;
  }

  file(url: string): { raw: number; gzip: number; text: string } {
    let hit = this.cache.get(url);
    if (!hit) {
      if (!url.startsWith("/build/")) throw new Error(`not a build asset: ${url}`);
      const body = readFileSync(path.join(this.publicDir, url));
      hit = { raw: body.length, gzip: gzipSync(body, { level: GZIP_LEVEL }).length, text: url.endsWith(".js") ? body.toString("utf8") : "" };
      this.cache.set(url, hit);
    }
    return hit;
  }

  /** Static imports of a built module (`import … from "…"`, `import "…"`), resolved to /build/ URLs. */
  private staticImports(url: string): string[] {
    const text = this.file(url).text;
    const out: string[] = [];
    // esbuild's minified ESM: import{a as b}from"/build/_shared/chunk-X.js"; import"/build/…"; export … from"…"
    for (const m of text.matchAll(/(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+\.js)["']/g)) {
      out.push(m[1]!.startsWith("/") ? m[1]! : path.posix.join(path.posix.dirname(url), m[1]!));
    }
    return out;
  }

  /** The route's match chain, root first. */
  chain(routeId: string): ManifestRoute[] {
    const routes: ManifestRoute[] = [];
    for (let r: ManifestRoute | undefined = this.manifest.routes[routeId]; r; r = r.parentId ? this.manifest.routes[r.parentId] : undefined) {
      routes.unshift(r);
    }
    if (routes.length === 0) throw new Error(`route ${routeId} is not in the browser manifest`);
    return routes;
  }

  firstLoad(routeId: string): FirstLoad {
    const seeds = [...(this.manifestFileLoaded ? [this.manifest.url] : []), this.manifest.entry.module, ...this.manifest.entry.imports];
    for (const r of this.chain(routeId)) seeds.push(r.module, ...(r.imports ?? []));
    const js = new Set<string>();
    const queue = [...seeds];
    while (queue.length) {
      const url = queue.pop()!;
      if (js.has(url)) continue;
      js.add(url);
      queue.push(...this.staticImports(url));
    }
    const css = new Set<string>();
    for (const url of js) for (const m of this.file(url).text.matchAll(/["'](\/build\/_assets\/[^"']+\.css)["']/g)) css.add(m[1]!);
    const sum = (urls: Set<string>, key: "raw" | "gzip") => [...urls].reduce((a, u) => a + this.file(u)[key], 0);
    return {
      routeId,
      jsFiles: [...js].sort(),
      jsRaw: sum(js, "raw"),
      jsGzip: sum(js, "gzip"),
      cssFiles: [...css].sort(),
      cssRaw: sum(css, "raw"),
      cssGzip: sum(css, "gzip"),
    };
  }

  /** Every route of the manifest, in manifest order. */
  all(): FirstLoad[] {
    return Object.keys(this.manifest.routes).map((id) => this.firstLoad(id));
  }
}

/**
 * What a built chunk is made of: its largest inputs grouped by package (node_modules) or app
 * folder, as shares of its raw bytes, from esbuild's client metafile (build/metafile.js.json).
 * Empty when there is no metafile.
 */
export function chunkContents(buildDir: string, top = 4): Map<string, string> {
  const out = new Map<string, string>();
  let meta: { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };
  try {
    meta = JSON.parse(readFileSync(path.join(buildDir, "metafile.js.json"), "utf8"));
  } catch {
    return out;
  }
  for (const [file, o] of Object.entries(meta.outputs)) {
    const byPackage = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(o.inputs)) {
      const nm = input.split("node_modules/");
      const seg = (nm.length > 1 ? nm[nm.length - 1]! : "").split("/");
      const name = nm.length > 1 ? (seg[0]!.startsWith("@") ? `${seg[0]}/${seg[1]}` : seg[0]!) : input.startsWith("app/") ? `app/${input.split("/")[1]}` : input;
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
    const total = [...byPackage.values()].reduce((a, b) => a + b, 0) || 1;
    const shares = [...byPackage]
      .filter(([, b]) => b > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, b]) => `${name} ${Math.round((100 * b) / total)}%`);
    out.set(`/${file.replace(/^public\//, "")}`, shares.join(", "));
  }
  return out;
}

export const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
