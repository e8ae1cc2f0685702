import { defineConfig } from "@playwright/test";

/**
 * Browser journeys against the built Worker under `wrangler dev` (real D1, Durable Objects, R2,
 * static assets, the service worker). `npm test` builds first; `npm run test:e2e` alone expects
 * build/ to exist. The server gets a fresh, separately seeded state folder on every run.
 *
 * Chromium is the system one (Debian's /usr/bin/chromium, or CHROME_PATH): Playwright's own
 * browser download is never used.
 */
const PORT = Number(process.env.E2E_PORT ?? 8789);
const baseURL = `http://127.0.0.1:${PORT}`;
const executablePath = process.env.CHROME_PATH ?? "/usr/bin/chromium";

const mobileZh = {
  browserName: "chromium",
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: "zh-CN",
  timezoneId: "Asia/Shanghai",
} as const;

/** Journeys that mostly wait for the real clock: a flash sale's start and payment minute, a group's deadline. */
const TIMED = /(flash-sale|group-deal-failure)\.spec\.ts$/;

export default defineConfig({
  testDir: "tests/e2e",
  // One journey per file; files run in parallel. Two busy workers fit two cores next to wrangler
  // dev; a third runs the "timed" journeys, which spend most of their minutes waiting for a real
  // clock (a flash sale's start and payment minute, a group's deadline) with the CPU idle.
  fullyParallel: false,
  workers: 3,
  // Sign-in codes are rate limited (one per phone per minute), so a retry would be refused
  // anyway; every run starts from a freshly seeded state instead.
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: "list",
  timeout: 45_000,
  expect: { timeout: 7_000 },
  outputDir: "test-results",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [
    {
      name: "mobile-zh",
      // The daily cycle's cut-off locks every paid order of the shared world, and the admin
      // console journey changes platform settings: they run after every other journey.
      testIgnore: [/(daily-cycle|admin-console|engagement)\//, /merchant-orders\.spec\.ts$/, TIMED],
      workers: 2,
      use: mobileZh,
    },
    {
      // Journeys that wait minutes for the real clock: beside the others, one at a time.
      name: "timed",
      testMatch: TIMED,
      workers: 1,
      use: mobileZh,
    },
    {
      name: "daily-cycle",
      testMatch: /daily-cycle\/.*\.spec\.ts$/,
      dependencies: ["mobile-zh", "timed"],
      use: mobileZh,
    },
    {
      // Writes one order's cut-off straight into the local D1 with `wrangler d1 execute`: a second
      // process on the server's SQLite file, which makes requests in flight at that moment fail
      // (SQLITE_BUSY, or wrangler dev's 503 "worker restarted"). So it runs alone.
      name: "direct-sql",
      testMatch: /merchant-orders\.spec\.ts$/,
      dependencies: ["daily-cycle"],
      use: mobileZh,
    },
    {
      // Writes one order's timeline straight into the local D1 too (see direct-sql): alone as well.
      name: "engagement",
      testMatch: /engagement\/.*\.spec\.ts$/,
      dependencies: ["direct-sql"],
      use: mobileZh,
    },
    {
      name: "admin-console",
      testMatch: /admin-console\/.*\.spec\.ts$/,
      dependencies: ["engagement"],
      use: mobileZh,
    },
  ],
  webServer: {
    command: "node scripts/e2e-server.mjs",
    url: `${baseURL}/manifest.webmanifest`,
    env: { E2E_PORT: String(PORT) },
    reuseExistingServer: false,
    // Migrations + seeding + wrangler start take ~10 s on two cores.
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 8_000 },
  },
});
