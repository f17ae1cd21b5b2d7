import { devices } from "@playwright/test";

// Debian's Chromium, headless, with the flags this machine's closed network needs (no background
// connections, no component updates). Shared by every Playwright configuration.
export const debianChromium = {
  ...devices["Desktop Chrome"],
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  },
};

/** Settings every suite shares: one worker (the suites share one portal), no retries, no `.only`. */
export const sharedSuiteSettings = {
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]] as [string][],
};
