import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '@council-conform/cli';
import {
  DEMO_FAULT,
  type DemoPublication,
  demoRun,
  type PublishedDemo,
  publishDemoResults,
  writeDemoAttestation,
} from '@council-conform/operator-cli';
import { BUDGET } from '@council-conform/test-budgets';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailability, type DashboardTab, openDashboardTab } from './browser.ts';

/**
 * The product page (issue 22) in Chromium at a desktop's 1280 px and a phone's 375 px: the summary that says
 * why first, the charts of the product's runs and of its API's latency, and the evidence folded away. Each
 * width is screenshotted and scanned by axe-core for WCAG 2.2 AA violations, charts included.
 */
const chromium = chromiumAvailability();
if (!chromium.available) console.warn(`product page end-to-end tests skipped: ${chromium.reason}`);

const quiet: CliIo = { out: () => undefined, err: () => undefined };
const CONFORMANT_PRODUCT = 'Example Street Reports 4.2';
const FAULTY_PRODUCT = 'OpenDoor Street Reports 1.0';
const DAY = 24 * 60 * 60 * 1000;
const WIDTHS = [1280, 375] as const;

let outDir: string;
let demo: PublishedDemo;
let tab: DashboardTab;
let page: Page;

/** The run as if it had finished `days` before it did, its start moved with it. */
function daysEarlier<R extends { startedAt: string; finishedAt: string }>(report: R, days: number): R {
  const shift = (at: string) => new Date(Date.parse(at) - days * DAY).toISOString();
  return structuredClone({
    ...report,
    startedAt: shift(report.startedAt),
    finishedAt: shift(report.finishedAt),
  });
}

beforeAll(
  async () => {
    if (!chromium.available) return;
    outDir = await mkdtemp(join(tmpdir(), 'conform-e2e-product-'));
    const conformant = await demoRun(
      quiet,
      outDir,
      'conformant',
      [],
      await writeDemoAttestation(outDir, 'conformant', 'Example Civic Software Ltd', CONFORMANT_PRODUCT),
    );
    const faulty = await demoRun(
      quiet,
      outDir,
      'faulty',
      [DEMO_FAULT],
      await writeDemoAttestation(outDir, 'faulty', 'Leaky Civic Systems Ltd', FAULTY_PRODUCT),
    );
    // Three runs of the conformant product, so that its charts have a history to draw.
    const publications: DemoPublication[] = [
      { name: 'conformant-20-days-ago', report: daysEarlier(conformant.report, 20), certify: true },
      { name: 'conformant-10-days-ago', report: daysEarlier(conformant.report, 10), certify: true },
      { name: 'conformant', report: conformant.report, certify: true },
      { name: 'faulty', report: faulty.report, certify: false },
    ];
    demo = await publishDemoResults(outDir, publications);
    tab = await openDashboardTab(demo.url);
    page = tab.page;
  },
  BUDGET.realRun * 2 + BUDGET.browser,
);

afterAll(async () => {
  await tab?.close();
  await demo?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

const productPath = (name: string) =>
  new URL(demo.published.find((p) => p.name === name)?.productUrl ?? '/').pathname;

const mainText = async () => ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ');

describe.skipIf(!chromium.available)('the product page in Chromium', () => {
  it('opens the faulty product with why it has no level, the failing check and how to re-run it', async () => {
    await tab.open(productPath('faulty'));
    expect(await page.locator('main h2').first().textContent()).toBe('Why this result');
    const text = await mainText();
    expect(text).toContain('This run reached no level.');
    expect(text).toContain('What stops the bronze level');
    const failing = page.locator('.app-failing-check');
    expect(await failing.count()).toBeGreaterThan(0);
    expect(await failing.first().locator('pre code').textContent()).toMatch(/^conform run .*--only \S+/);
    // The evidence is there, folded away: the clause table is in the page but not shown until asked for.
    const evidence = page.locator('details.app-evidence');
    expect(await evidence.getAttribute('open')).toBeNull();
    expect(await page.locator('table.app-clause-matrix').isVisible()).toBe(false);
    await page.locator('details.app-evidence > summary').click();
    expect(await page.locator('table.app-clause-matrix').isVisible()).toBe(true);
  });

  it('draws the conformant product’s three runs and its API’s latency as charts with text alternatives', async () => {
    await tab.open(productPath('conformant'));
    const chart = page.locator('svg#history-clauses-chart');
    expect(await chart.isVisible()).toBe(true);
    expect(await chart.getAttribute('role')).toBe('img');
    expect(await chart.locator('circle').count()).toBe(3);
    expect(await page.locator('svg#history-clauses-chart title').first().textContent()).toBe(
      'Clauses passed in each run',
    );
    expect(await page.locator('svg#latency-chart circle').count()).toBe(3);
    expect(await page.locator('table.app-statistics').isVisible()).toBe(true);
  });

  for (const width of WIDTHS)
    it(`has no WCAG 2.2 AA violation at ${width} px, on a product with and one without a level`, async () => {
      await page.setViewportSize({ width, height: 900 });
      try {
        for (const name of ['conformant', 'faulty']) {
          await tab.open(productPath(name));
          // Nothing is wider than the screen: at 375 px the charts shrink to fit rather than scroll.
          const overflow = await page.evaluate(() => {
            const root = (
              globalThis as unknown as {
                document: { documentElement: { scrollWidth: number; clientWidth: number } };
              }
            ).document.documentElement;
            return root.scrollWidth - root.clientWidth;
          });
          expect(overflow, `${name} at ${width} px`).toBeLessThanOrEqual(0);
          await tab.expectAccessible(`product-page-${name}-${width}`);
        }
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    });
});
