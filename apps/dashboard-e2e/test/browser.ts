import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BUDGET } from '@council-conform/test-budgets';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium, installed by scripts/system-setup.sh: Playwright's own browser download cannot work here. */
export const CHROMIUM = process.env.CONFORM_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(import.meta.dirname, '..', 'screenshots');

export interface ChromiumAvailability {
  readonly available: boolean;
  readonly reason?: string;
}

/** Whether the browser is here; with CI=true its absence fails the run instead of skipping the tests. */
export function chromiumAvailability(): ChromiumAvailability {
  if (existsSync(CHROMIUM)) return { available: true };
  const reason = `no Chromium at ${CHROMIUM}; scripts/system-setup.sh installs Debian's chromium package`;
  if (process.env.CI === 'true') throw new Error(`CI=true: ${reason}`);
  return { available: false, reason };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    timeout: BUDGET.browser,
    // No sandbox (containers run as root), and nothing that would reach past loopback on its own.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

/** The widths every page is shown at: a desktop browser's, and a small phone's (WCAG 1.4.10 reflow asks 320). */
export const DESKTOP_WIDTH = 1280;
export const PHONE_WIDTH = 375;
const VIEWPORT_HEIGHT = 900;

/** The screenshot name for a width: the desktop one keeps the page type's plain name. */
export const screenshotName = (name: string, width: number) =>
  width === DESKTOP_WIDTH ? name : `${name}-${width}`;

/** Writes a full-page screenshot of what the page shows now, named for the page type. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Screenshots the page at each width, `name.png` at the desktop's and `name-375.png` at the phone's. */
export async function screenshotAtWidths(page: Page, name: string): Promise<string[]> {
  const paths: string[] = [];
  for (const width of [DESKTOP_WIDTH, PHONE_WIDTH]) {
    await page.setViewportSize({ width, height: VIEWPORT_HEIGHT });
    paths.push(await screenshot(page, screenshotName(name, width)));
  }
  await page.setViewportSize({ width: DESKTOP_WIDTH, height: VIEWPORT_HEIGHT });
  return paths;
}

/** How wide the page's content is now: wider than the viewport means the page scrolls sideways. */
function pageScrollWidth(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
        .documentElement.scrollWidth,
  );
}

/** How wide the page's content is at `width` px: more than `width` means the page scrolls sideways. */
export async function contentWidthAt(page: Page, width: number): Promise<number> {
  await page.setViewportSize({ width, height: VIEWPORT_HEIGHT });
  try {
    return await pageScrollWidth(page);
  } finally {
    await page.setViewportSize({ width: DESKTOP_WIDTH, height: VIEWPORT_HEIGHT });
  }
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly string[]; readonly html: string }[];
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.2 A and AA (and the 2.0/2.1 rules they include): the level the issue, and GOV.UK, ask for. */
export const WCAG_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/** Runs axe-core in the page as it is now and gives every WCAG 2.2 AA violation it finds. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Once a page: a page scanned at two widths keeps the axe it was given.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async (tags) => {
    const axe = (
      globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<unknown> } }
    ).axe;
    const results = (await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: tags },
    })) as {
      violations: {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: string[]; html: string }[];
      }[];
    };
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html })),
    }));
  }, WCAG_AA_TAGS);
}

/** A violation list a person can act on, for an assertion message. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.html}`).join('\n')}`,
    )
    .join('\n');
}

/** A Chromium page on the dashboard at `base`, with the two assertions every page in these tests gets. */
export interface DashboardTab {
  readonly page: Page;
  /** Opens `path` (relative to the dashboard) and expects a 200. */
  open(path: string): Promise<void>;
  /** Screenshots the page as `name` at the width it has now and expects no WCAG 2.2 AA violation. */
  expectAccessible(name: string): Promise<void>;
  /**
   * Screenshots the page as `name` at 1280 px and as `name-375` at 375 px, and expects no WCAG 2.2 AA
   * violation and no sideways scrolling of the page at either width; the page is left at 1280 px.
   */
  expectAccessibleAtWidths(name: string): Promise<void>;
  /** Shows the page at `width` px (the height stays): for assertions about a small screen. */
  setWidth(width: number): Promise<void>;
  close(): Promise<void>;
}

export async function openDashboardTab(base: string): Promise<DashboardTab> {
  const browser = await launchChromium();
  // The dashboard's Content Security Policy rightly refuses inline scripts; axe-core is injected by the test.
  const context = await browser.newContext({
    viewport: { width: DESKTOP_WIDTH, height: VIEWPORT_HEIGHT },
    bypassCSP: true,
  });
  // Playwright waits 30 s by default for a page or a screenshot: too little for a loaded machine.
  context.setDefaultTimeout(BUDGET.browser);
  const page = await context.newPage();
  return {
    page,
    async open(path) {
      const response = await page.goto(new URL(path, base).toString());
      expect(response?.status(), path).toBe(200);
    },
    async expectAccessible(name) {
      await screenshot(page, name);
      const violations = await axeViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
    },
    async expectAccessibleAtWidths(name) {
      try {
        for (const width of [DESKTOP_WIDTH, PHONE_WIDTH]) {
          await page.setViewportSize({ width, height: VIEWPORT_HEIGHT });
          await screenshot(page, screenshotName(name, width));
          const violations = await axeViolations(page);
          expect(violations, `${name} at ${width} px:\n${describeViolations(violations)}`).toEqual([]);
          // A wide table or chart scrolls in its own box; the page itself never scrolls sideways.
          const contentWidth = await pageScrollWidth(page);
          expect(contentWidth, `${name} at ${width} px is ${contentWidth} px wide`).toBeLessThanOrEqual(
            width,
          );
        }
      } finally {
        await page.setViewportSize({ width: DESKTOP_WIDTH, height: VIEWPORT_HEIGHT });
      }
    },
    setWidth: (width) => page.setViewportSize({ width, height: VIEWPORT_HEIGHT }),
    close: () => browser.close(),
  };
}
