import { describe, expect, it } from "vitest";
import { admissionLimits, admitted, DeadlineExceeded, withDeadline } from "./admission.server";

describe("flash-sale admission", () => {
  it("reads its limits from the environment, falling back on bad values", () => {
    expect(admissionLimits({})).toEqual({ maxInFlight: 100, deadlineMs: 3000 });
    expect(admissionLimits({ FLASH_MAX_IN_FLIGHT: "8", FLASH_RESERVE_DEADLINE_MS: "250" })).toEqual({ maxInFlight: 8, deadlineMs: 250 });
    for (const bad of ["0", "-1", "1.5", "x", ""]) expect(admissionLimits({ FLASH_MAX_IN_FLIGHT: bad })).toEqual({ maxInFlight: 100, deadlineMs: 3000 });
  });

  it("admits up to the limit at once and refuses the rest immediately; room comes back as work ends", async () => {
    const limits = { maxInFlight: 3, deadlineMs: 1000 };
    const gates: Array<() => void> = [];
    const work = () => new Promise<string>((resolve) => gates.push(() => resolve("done")));
    const first = Array.from({ length: 5 }, () => admitted(limits, work));
    // Two of five were refused without waiting.
    const settled = await Promise.race([Promise.all(first.slice(3)), new Promise((r) => setTimeout(() => r("waiting"), 50))]);
    expect(settled).toEqual(["busy", "busy"]);
    expect(gates).toHaveLength(3);
    gates.forEach((open) => open());
    expect(await Promise.all(first.slice(0, 3))).toEqual(["done", "done", "done"]);
    expect(await admitted(limits, async () => "again")).toBe("again");
    // A failing piece of work frees its place too.
    await expect(admitted(limits, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    const again = await Promise.all(Array.from({ length: 3 }, () => admitted(limits, async () => "ok")));
    expect(again).toEqual(["ok", "ok", "ok"]);
  });

  it("gives up on a slow answer at the deadline, and passes a quick one through", async () => {
    const started = Date.now();
    await expect(withDeadline(new Promise(() => undefined), 30)).rejects.toBeInstanceOf(DeadlineExceeded);
    expect(Date.now() - started).toBeLessThan(500);
    expect(await withDeadline(Promise.resolve(7), 30)).toBe(7);
    await expect(withDeadline(Promise.reject(new Error("object gone")), 30)).rejects.toThrow("object gone");
  });
});
