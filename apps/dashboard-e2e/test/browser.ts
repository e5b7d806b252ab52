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

/** Writes a full-page screenshot of what the page shows now, named for the page type. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
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
  await page.addScriptTag({ content: axeSource });
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
  /** Screenshots the page as `name` and expects no WCAG 2.2 AA violation. */
  expectAccessible(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openDashboardTab(base: string): Promise<DashboardTab> {
  const browser = await launchChromium();
  // The dashboard's Content Security Policy rightly refuses inline scripts; axe-core is injected by the test.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
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
    close: () => browser.close(),
  };
}
