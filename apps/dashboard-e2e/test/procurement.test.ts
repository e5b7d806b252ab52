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
import { chromiumAvailability, type DashboardTab, openDashboardTab, screenshot } from './browser.ts';

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
const expectAccessible = (name: string) => tab.expectAccessible(name);

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
    const certified = await text('main #certified + table');
    expect(certified).toContain(CONFORMANT_PRODUCT);
    expect(certified).not.toContain('OpenDoor');
    await expectAccessible('procurement-timeline');
  });

  it('lists the councils holding contracts for a product on its page, with their end dates', async () => {
    const conformant = demo.published.find((p) => p.name === 'conformant');
    await open(new URL(conformant?.productUrl ?? '/').pathname);
    const rows = await page
      .locator('main #councils + table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => (tr.textContent ?? '').replace(/\s+/g, ' ').trim()));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^Camden .*CMD-ICT-0417 31 March 2029 Companies House number$/);
    expect(rows[1]).toMatch(/^Hackney .*HAC-C-7781 30 June 2029 Companies House number$/);
    await expectAccessible('product-councils');
  });

  it('passes an axe WCAG 2.2 AA scan on the overview, a council’s page and a supplier’s page', async () => {
    await open('/procurement');
    expect(await text('main #system-types')).toContain('January to June 2029: Camden, Hackney');
    await expectAccessible('procurement');
    await page.locator('main #councils a', { hasText: 'Camden' }).click();
    await page.waitForLoadState('load');
    expect(page.url()).toContain('/procurement/councils/E09000007');
    expect(await text('main #conformance + table')).toContain(CONFORMANT_PRODUCT);
    await expectAccessible('procurement-council');
    await open(new URL(demo.published.find((p) => p.name === 'second')?.productUrl ?? '/').pathname);
    await page.locator('main a[href^="/suppliers/"]').first().click();
    await page.waitForLoadState('load');
    expect(await text('main #councils + table')).toContain('Street reporting pilot');
    await expectAccessible('procurement-supplier');
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
    await screenshot(page, 'procurement-timeline-reviewed');
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
