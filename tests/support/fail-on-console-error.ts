import { afterEach, beforeEach, vi } from "vitest";

/** An unexpected console.error fails the test (tests that expect one mock it themselves). */
let calls: unknown[][] = [];
beforeEach(() => {
  calls = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    calls.push(args);
  });
});
afterEach(() => {
  vi.mocked(console.error).mockRestore();
  if (calls.length) {
    const text = calls.map((c) => c.map(String).join(" ")).join("\n");
    throw new Error(`Unexpected console.error:\n${text}`);
  }
});
