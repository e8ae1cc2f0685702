import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type TestWorker } from "../support/worker";

let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

describe("smoke", () => {
  it("serves the storefront with the demo products", async () => {
    const res = await worker.client().get("/");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("丹东 99 红颜草莓");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("keeps a response's body readable when a garbage collection runs before it is read", async () => {
    // The harness must hold each body: otherwise undici cancels it once Miniflare's dropped
    // inner Response is collected (see holdBody in tests/support/worker.ts).
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const responses = await Promise.all(Array.from({ length: 20 }, () => worker.fetch("/api/v1/categories")));
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const res of responses) expect(JSON.stringify(await res.json())).toContain("生鲜果蔬");
  });
});
