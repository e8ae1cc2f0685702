import { defineConfig } from "vitest/config";
import path from "node:path";

const alias = { "~": path.resolve(import.meta.dirname, "app") };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["app/**/*.test.{ts,tsx}", "scripts/**/*.test.ts"],
          environment: "node",
          // Pure modules: one module graph per worker instead of one per file (the locales and the
          // pricing engine load once), about half the phase's time.
          isolate: false,
          // Every locale registered, as the Worker registers them at start-up.
          setupFiles: ["tests/support/fail-on-console-error.ts", "tests/support/all-locales.ts"],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/support/build-once.ts"],
          setupFiles: ["tests/support/fail-on-console-error.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Each file starts its own Miniflare; two at a time fits two cores.
          maxWorkers: 2,
        },
      },
    ],
  },
});
