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
});
