/**
 * Performance budgets (issue 11 item 5): the first-load JavaScript and CSS of every route of the
 * built client stay within their gzipped budgets (tests/budgets.ts). Runs after the build phase
 * and reads public/build; a missing build fails (readBrowserManifest throws), it never passes
 * empty. The static model of a first load (tests/support/bundle-size.ts) is checked against real
 * documents served by the built Worker, so the figures are what a browser fetches.
 */
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { budgetFor, OVERRIDES } from "../budgets";
import { appBundleMeter, kB, type BundleMeter, type FirstLoad } from "../support/bundle-size";
import { startWorker, type TestWorker } from "../support/worker";

const root = path.resolve(import.meta.dirname, "../..");
let meter: BundleMeter;
let loads: FirstLoad[];

/** The /build/ scripts a document makes the browser load: modulepreloads, script src and the inline module script's imports. */
function scriptsOf(html: string): Set<string> {
  const urls = new Set<string>();
  for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*>/g)) urls.add(/\bhref="([^"]+)"/.exec(m[0])![1]!);
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) urls.add(m[1]!);
  for (const m of html.matchAll(/<script\b[^>]*type="module"[^>]*>([\s\S]*?)<\/script>/g)) {
    for (const i of m[1]!.matchAll(/import\s*\(?\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g)) urls.add(i[1]!);
  }
  return new Set([...urls].filter((u) => u.startsWith("/build/") && u.endsWith(".js")));
}

describe("bundle budgets", () => {
  beforeAll(() => {
    meter = appBundleMeter(root);
    loads = meter.all();
  });

  it("measures every route of the browser manifest", () => {
    const ids = Object.keys(meter.manifest.routes);
    expect(ids.length).toBeGreaterThan(50);
    expect(loads.map((l) => l.routeId)).toEqual(ids);
    for (const l of loads) {
      // Never an empty measurement: the framework and the root stylesheet are in every first load.
      expect(l.jsFiles.length, l.routeId).toBeGreaterThan(2);
      expect(l.jsGzip, l.routeId).toBeGreaterThan(50_000);
      expect(l.cssFiles.length, l.routeId).toBeGreaterThan(0);
    }
    for (const id of Object.keys(OVERRIDES)) expect(ids, `override for a route that no longer exists: ${id}`).toContain(id);
  });

  it("keeps every route within its gzipped JS and CSS budget", () => {
    const rows = loads
      .map((l) => ({ l, b: budgetFor(l.routeId) }))
      .sort((a, b) => b.l.jsGzip / b.b.jsGzip - a.l.jsGzip / a.b.jsGzip);
    const w = Math.max(...rows.map((r) => r.l.routeId.length));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w) : c.padStart(10))).join("  ");
    console.log(
      [
        `First load per route (gzip -9, each file on its own; ${loads.length} routes, tightest first):`,
        line(["route", "JS gz", "CSS gz", "JS budget", "files", "area"]),
        ...rows.map(({ l, b }) => line([l.routeId, kB(l.jsGzip), kB(l.cssGzip), kB(b.jsGzip), String(l.jsFiles.length), b.area])),
      ].join("\n"),
    );
    const over = rows
      .filter(({ l, b }) => l.jsGzip > b.jsGzip || l.cssGzip > b.cssGzip)
      .map(({ l, b }) => `${l.routeId}: JS ${kB(l.jsGzip)} (budget ${kB(b.jsGzip)}), CSS ${kB(l.cssGzip)} (budget ${kB(b.cssGzip)})`);
    expect(over, "routes over their budget").toEqual([]);
  });

  describe("the model matches what documents load", () => {
    let worker: TestWorker;
    beforeAll(async () => {
      worker = await startWorker();
    });
    afterAll(() => worker?.dispose());
    afterEach(() => worker.expectNoServerErrors());

    it.each([
      ["/", "routes/_shop._index", null],
      ["/leader", "routes/leader._index", "13800000021"],
    ] as const)("%s loads exactly the files counted for %s", async (pathname, routeId, phone) => {
      const client = worker.client();
      if (phone) expect((await client.signInWithPhone(worker, phone)).status).toBe(302);
      const res = await client.get(pathname);
      expect(res.status).toBe(200);
      const html = await res.text();
      const referenced = scriptsOf(html);
      const counted = new Set(meter.firstLoad(routeId).jsFiles);
      expect(referenced.size).toBeGreaterThan(2);
      expect([...counted].sort()).toEqual([...referenced].sort());
      for (const css of meter.firstLoad(routeId).cssFiles) expect(html).toContain(`href="${css}"`);
    });
  });
});
