import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '@council-conform/cli';
import {
  DEMO_COUNCILS,
  DEMO_SPEC,
  type DemoContracts,
  demoRun,
  demoTokenOf,
  importDemoContracts,
  type PublishedDemo,
  publishDemoResults,
  writeDemoAttestation,
} from '@council-conform/operator-cli';
import { BUDGET } from '@council-conform/test-budgets';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumAvailability,
  contentWidthAt,
  type DashboardTab,
  openDashboardTab,
  PHONE_WIDTH,
  screenshotAtWidths,
} from './browser.ts';

/**
 * The demo's procurement step, end to end: the conformant supplier's run published as `conform demo`
 * publishes it (and the same run under the demo's second supplier, self-assessed), the three boroughs'
 * synthetic contracts registers imported as `conform contracts import` imports them, and the procurement
 * pages read in Chromium, with an axe-core WCAG 2.2 AA scan and a screenshot of each.
 */
const chromium = chromiumAvailability();
if (!chromium.available) console.warn(`procurement end-to-end tests skipped: ${chromium.reason}`);

const quiet: CliIo = { out: () => undefined, err: () => undefined };
const CONFORMANT_PRODUCT = 'Example Street Reports 4.2';

let outDir: string;
let demo: PublishedDemo;
let contracts: DemoContracts;
let tab: DashboardTab;
let page: Page;

beforeAll(async () => {
  if (!chromium.available) return;
  outDir = await mkdtemp(join(tmpdir(), 'conform-e2e-procurement-'));
  const conformant = await demoRun(
    quiet,
    outDir,
    'conformant',
    [],
    await writeDemoAttestation(outDir, 'conformant', 'Example Civic Software Ltd', CONFORMANT_PRODUCT),
  );
  const attestation = conformant.report.attestation;
  if (!attestation) throw new Error('the demo run has no attestation');
  // The same run as the demo's second supplier's product: only whose it is matters here.
  const second = structuredClone({
    ...conformant.report,
    attestation: {
      ...attestation,
      supplier: 'Leaky Civic Systems Ltd',
      product: 'OpenDoor Street Reports 1.0',
    },
  });
  demo = await publishDemoResults(
    outDir,
    [
      { name: 'conformant', report: conformant.report, certify: true },
      { name: 'second', report: second, certify: false },
    ],
    { councils: DEMO_COUNCILS },
  );
  contracts = await importDemoContracts(
    {
      url: demo.url,
      administratorToken: demoTokenOf(demo.credentials, 'administrator'),
      councilTokens: new Map(
        demo.credentials.flatMap((c) => (c.councilCode ? [[c.councilCode, c.token] as const] : [])),
      ),
    },
    { systemType: DEMO_SPEC },
  );
  tab = await openDashboardTab(demo.url);
  page = tab.page;
}, BUDGET.realRun + BUDGET.browser);

afterAll(async () => {
  await tab?.close();
  await demo?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

const open = (path: string) => tab.open(path);
/** A procurement page passes axe at both widths, and at 375 px its wide tables scroll in their own boxes. */
const expectAccessible = async (name: string) => {
  await tab.expectAccessibleAtWidths(name);
  expect(await contentWidthAt(page, PHONE_WIDTH), `${name} at ${PHONE_WIDTH} px`).toBeLessThanOrEqual(
    PHONE_WIDTH,
  );
};

const text = async (selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe.skipIf(!chromium.available)('the procurement pages in Chromium, fed by the demo’s registers', () => {
  it('imports the three synthetic registers, reporting their malformed rows', () => {
    expect(contracts.imports.map((i) => [i.council, i.created, i.refused])).toEqual([
      ['Camden', 8, 3],
      ['Hackney', 8, 2],
      ['Islington', 8, 3],
    ]);
  });

  it('shows a joint procurement window on the street reporting timeline, with the certified alternative', async () => {
    await open(new URL(contracts.timelineUrl).pathname);
    const windows = page.locator('main .app-window');
    expect(await windows.count()).toBe(1);
    const window = ((await windows.first().textContent()) ?? '').replace(/\s+/g, ' ');
    expect(window).toContain('January to June 2029');
    expect(window).toContain('2 councils: Camden, Hackney.');
    const certified = await text('main #certified + div table');
    expect(certified).toContain(CONFORMANT_PRODUCT);
    expect(certified).not.toContain('OpenDoor');
    await expectAccessible('procurement-timeline');
  });

  it('draws the timeline as a chart whose bars, in the browser, sit where the table’s dates put them', async () => {
    await open(new URL(contracts.timelineUrl).pathname);
    const chart = page.locator('main svg.app-gantt');
    expect(await chart.getAttribute('role')).toBe('img');
    const description = (await chart.locator('desc').textContent()) ?? '';
    expect(description).toContain('Joint procurement window, shaded: January to June 2029.');
    // Every contract in the tables is a bar on the chart, with the same end date.
    const tableRows = await page
      .locator('main table.app-timeline-table tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-reference')));
    const drawn = await chart.locator('g.app-gantt-bar').evaluateAll((bars) =>
      bars.map((bar) => {
        const rect = bar.querySelector('rect')?.getBoundingClientRect();
        return {
          reference: bar.getAttribute('data-reference'),
          start: bar.getAttribute('data-start'),
          end: bar.getAttribute('data-end') as string,
          left: rect?.left ?? Number.NaN,
          right: rect?.right ?? Number.NaN,
        };
      }),
    );
    expect(drawn.map((bar) => bar.reference).sort()).toEqual([...tableRows].sort());
    // The chart's scale as drawn on screen: the plot's left edge and width, and its first and last day.
    const scale = await chart.evaluate((svg) => {
      const box = svg.getBoundingClientRect();
      const viewWidth = Number(svg.getAttribute('viewBox')?.split(' ')[2]);
      const unit = box.width / viewWidth;
      return {
        left: box.left + Number(svg.getAttribute('data-plot-x')) * unit,
        width: Number(svg.getAttribute('data-plot-width')) * unit,
        start: svg.getAttribute('data-scale-start') as string,
        end: svg.getAttribute('data-scale-end') as string,
      };
    });
    const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
    const at = (iso: string) =>
      scale.left + ((day(iso) - day(scale.start)) / (day(scale.end) - day(scale.start))) * scale.width;
    const dayAfter = (iso: string) => new Date((day(iso) + 1) * 86_400_000).toISOString().slice(0, 10);
    for (const bar of drawn) {
      // From the start of the first day to the end of the last, within a pixel of rounding.
      expect(Math.abs(bar.left - at(bar.start || scale.start)), `${bar.reference} start`).toBeLessThan(1);
      expect(Math.abs(bar.right - at(dayAfter(bar.end))), `${bar.reference} end`).toBeLessThan(1);
    }
    const today = await chart
      .locator('g.app-gantt-today line')
      .evaluate((line) => line.getBoundingClientRect().left + line.getBoundingClientRect().width / 2);
    const todayIso = (await chart.locator('g.app-gantt-today').getAttribute('data-date')) as string;
    expect(Math.abs(today - at(todayIso))).toBeLessThan(1.5);
  });

  it('lists the councils holding contracts for a product on its page, with their end dates', async () => {
    const conformant = demo.published.find((p) => p.name === 'conformant');
    await open(new URL(conformant?.productUrl ?? '/').pathname);
    const rows = await page
      .locator('main #councils + div table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => (tr.textContent ?? '').replace(/\s+/g, ' ').trim()));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^Camden .*CMD-ICT-0417 31 March 2029 Companies House number$/);
    expect(rows[1]).toMatch(/^Hackney .*HAC-C-7781 30 June 2029 Companies House number$/);
    // The product and supplier pages are not the procurement pages': only the axe scan here.
    await tab.expectAccessibleAtWidths('product-councils');
  });

  it('passes an axe WCAG 2.2 AA scan on the overview, a council’s page and a supplier’s page', async () => {
    await open('/procurement');
    expect(await text('main #system-types')).toContain('January to June 2029: Camden, Hackney');
    await expectAccessible('procurement');
    await page.locator('main #councils a', { hasText: 'Camden' }).click();
    await page.waitForLoadState('load');
    expect(page.url()).toContain('/procurement/councils/E09000007');
    expect(await text('main #conformance + div table')).toContain(CONFORMANT_PRODUCT);
    await expectAccessible('procurement-council');
    await open(new URL(demo.published.find((p) => p.name === 'second')?.productUrl ?? '/').pathname);
    await page.locator('main a[href^="/suppliers/"]').first().click();
    await page.waitForLoadState('load');
    expect(await text('main #councils + div table')).toContain('Street reporting pilot');
    await tab.expectAccessibleAtWidths('procurement-supplier');
  });

  it('lets a reviewer link a contract by its supplier’s name, which widens the window', async () => {
    await open('/procurement/review?council=E09000019');
    await expectAccessible('procurement-review');
    const row = page.locator('main tr[data-reference="ISL/2021/118"]');
    expect(await row.textContent()).toContain('Suggested: Example Civic Software Ltd');
    const select = row.locator('select');
    const suggested = await select.locator('option', { hasText: 'suggested' }).first().getAttribute('value');
    await select.selectOption(suggested ?? '');
    await page.locator('main input[name="token"]').fill(demoTokenOf(demo.credentials, 'certifier'));
    await page.locator('main form#review button[type="submit"]').click();
    await page.waitForLoadState('load');
    expect(await text('main .govuk-notification-banner')).toContain('1 decision saved');
    await open(new URL(contracts.timelineUrl).pathname);
    const window = ((await page.locator('main .app-window').first().textContent()) ?? '').replace(
      /\s+/g,
      ' ',
    );
    expect(window).toContain('January to September 2029');
    expect(window).toContain('3 councils: Camden, Hackney, Islington.');
    await screenshotAtWidths(page, 'procurement-timeline-reviewed');
  });

  it('serves the joined table as open data with its licence and each row’s source', async () => {
    // Offered as a download (Content-Disposition), so fetched as a script would, not navigated to.
    const response = await page.request.get(
      new URL('/data/contracts.json?council=E09000007', demo.url).toString(),
    );
    expect(response.status()).toBe(200);
    const data = (await response.json()) as {
      licence: { name: string };
      contracts: { source: string; licence: string; product: string | null }[];
    };
    expect(data.licence.name).toBe('Open Government Licence v3.0');
    expect(data.contracts).toHaveLength(8);
    expect(
      data.contracts.every((c) => c.source === 'camden.csv' && c.licence === 'Open Government Licence v3.0'),
    ).toBe(true);
    expect(data.contracts.map((c) => c.product)).toContain(CONFORMANT_PRODUCT);
  });
});
