import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

// Debian's Chromium driven by playwright-core: never a downloaded browser (docs/architecture.md, house rules).
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Where browser tests save their screenshots. */
export const SCREENSHOTS = new URL('../../test-results/', import.meta.url).pathname;

/**
 * Whether the browser tests can run. Without Chromium they are skipped with a loud message,
 * except under CI=true, where they must run: importing this then fails the test file.
 */
export const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable) {
  const message = `\n*** BROWSER TESTS SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium) ***\n`;
  if (process.env.CI === 'true') throw new Error(`${message}Under CI=true they must run.`);
  console.warn(message);
}

/** Launches Debian's Chromium headless, and makes sure the screenshot folder exists. */
export function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
