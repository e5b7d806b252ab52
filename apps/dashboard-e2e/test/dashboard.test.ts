import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLAUSES } from '@council-conform/clauses';
import { type CliIo, publishSignedReport } from '@council-conform/cli';
import {
  DEMO_FAULT,
  type DemoPublication,
  demoRun,
  demoTokenOf,
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
 * The demo's own path, end to end: a conformant and a faulty mock supplier are run exactly as `conform
 * demo` runs them, the reports are signed (the conformant one countersigned by a certifier) and published
 * through the ingest API, and the dashboard is then read as a person reads it, in Chromium.
 */
const chromium = chromiumAvailability();
if (!chromium.available) console.warn(`dashboard end-to-end tests skipped: ${chromium.reason}`);

const quiet: CliIo = { out: () => undefined, err: () => undefined };
const CONFORMANT_PRODUCT = 'Example Street Reports 4.2';
const FAULTY_PRODUCT = 'OpenDoor Street Reports 1.0';

let outDir: string;
let demo: PublishedDemo;
let tab: DashboardTab;
let page: Page;

beforeAll(async () => {
  if (!chromium.available) return;
  outDir = await mkdtemp(join(tmpdir(), 'conform-e2e-'));
  const publications: DemoPublication[] = [];
  const conformant = await demoRun(quiet, outDir, 'conformant', [], await exampleAttestation());
  publications.push({ name: 'conformant', report: conformant.report, certify: true });
  const faulty = await demoRun(
    quiet,
    outDir,
    'faulty',
    [DEMO_FAULT],
    // A product name with markup in it: every page must show it as text.
    await writeDemoAttestation(outDir, 'faulty', 'Leaky <b>Civic</b> Systems Ltd', FAULTY_PRODUCT),
  );
  publications.push({ name: 'faulty', report: faulty.report, certify: false });
  demo = await publishDemoResults(outDir, publications);
  tab = await openDashboardTab(demo.url);
  page = tab.page;
}, BUDGET.realRun + BUDGET.browser);

afterAll(async () => {
  await tab?.close();
  await demo?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

async function exampleAttestation(): Promise<string> {
  return writeDemoAttestation(outDir, 'conformant', 'Example Civic Software Ltd', CONFORMANT_PRODUCT);
}

const open = (path: string) => tab.open(path);
const expectAccessible = (name: string) => tab.expectAccessibleAtWidths(name);

const leagueRows = () =>
  page
    .locator('main table tbody tr')
    .evaluateAll((rows) => rows.map((row) => (row.textContent ?? '').replace(/\s+/g, ' ').trim()));

describe.skipIf(!chromium.available)('the dashboard in Chromium, fed by the demo’s runs', () => {
  it('ranks the certified conformant product above the self-assessed faulty one', async () => {
    await open('/');
    const rows = await leagueRows();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(CONFORMANT_PRODUCT);
    expect(rows[0]).toMatch(/certified/i);
    expect(rows[1]).toContain(FAULTY_PRODUCT);
    expect(rows[1]).toMatch(/self-assessed/i);
    // The supplier's markup is shown as text, never run as HTML.
    expect((await page.locator('main').textContent()) ?? '').toContain('Leaky <b>Civic</b> Systems Ltd');
    expect(await page.locator('main b').count()).toBe(0);
    await expectAccessible('league-table');
  });

  it('explains each row’s level and its columns, and names system types in words', async () => {
    await open('/');
    const rows = await leagueRows();
    // The faulty product failed "personal-data", a clause Bronze needs: its row says so.
    const personalData = CLAUSES.find((clause) => clause.id === 'personal-data')?.title;
    expect(rows[1]).toContain(`No level Bronze not reached: “${personalData}” not met`);
    expect(rows[1]).toMatch(/13 of 14/);
    const systemCells = await page.locator('main table tbody td[data-label="System type"]').allTextContents();
    expect(systemCells.map((text) => text.trim())).toEqual([
      'Street reporting and highways case management',
      'Street reporting and highways case management',
    ]);
    const columns = (await page.locator('main #league-columns').textContent()) ?? '';
    expect(columns).toContain('“13 of 14” can still be “No level”');
    // The chart of the table is an image with a name and a description giving every product's figure.
    const chart = page.locator('main svg#league-chart');
    expect(await chart.getAttribute('role')).toBe('img');
    expect(await chart.locator('desc').textContent()).toContain(`${FAULTY_PRODUCT}: 13 of 14, No level`);
  });

  it('keeps every product’s level and certificate on screen at 375 px', async () => {
    await open('/');
    await tab.setWidth(PHONE_WIDTH);
    try {
      const cells = await page.locator('main table#league-table tbody tr').evaluateAll((rows) =>
        rows.map((row) => {
          const box = (label: string) => {
            const cell = row.querySelector(`[data-label="${label}"]`);
            const rect = cell?.getBoundingClientRect();
            return rect && { left: rect.left, right: rect.right, width: rect.width };
          };
          return {
            product: row.querySelector('th')?.getBoundingClientRect().right,
            level: box('Level'),
            certificate: box('Certificate'),
          };
        }),
      );
      expect(cells).toHaveLength(2);
      for (const cell of cells) {
        for (const box of [cell.level, cell.certificate]) {
          expect(box?.width).toBeGreaterThan(0);
          expect(box?.left).toBeGreaterThanOrEqual(0);
          expect(box?.right).toBeLessThanOrEqual(PHONE_WIDTH);
        }
        expect(cell.product).toBeLessThanOrEqual(PHONE_WIDTH);
      }
      // Nothing makes the page itself scroll sideways.
      expect(await contentWidthAt(page, PHONE_WIDTH)).toBeLessThanOrEqual(PHONE_WIDTH);
    } finally {
      await tab.setWidth(1280);
    }
  });

  it('filters the league table to certified products', async () => {
    await open('/');
    const form = page.locator('main form');
    const status = form.locator('select[name="status"]');
    if ((await status.count()) > 0) await status.selectOption('certified');
    else await form.locator('input[name="status"][value="certified"]').check();
    await form.locator('button[type="submit"], input[type="submit"]').first().click();
    await page.waitForLoadState('load');
    const rows = await leagueRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(CONFORMANT_PRODUCT);
    await expectAccessible('league-table-filtered');
  });

  it('shows a product’s clause matrix, its checks with evidence and how to verify it', async () => {
    const conformant = demo.published.find((p) => p.name === 'conformant');
    await open(new URL(conformant?.productUrl ?? '/').pathname);
    const matrix = page.locator('main table.app-clause-matrix tbody tr');
    expect(await matrix.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-clause')))).toEqual(
      CLAUSES.map((clause) => clause.id),
    );
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('conform verify');
    expect(main).toMatch(/certified/i);
    await expectAccessible('product');
  });

  it('shows each clause’s verdict as the signed report has it', async () => {
    const shownAs: Record<string, string> = { pass: 'Passed', fail: 'Failed', attested: 'Attested' };
    for (const run of demo.published) {
      const signed = JSON.parse(await readFile(run.signedPath, 'utf8')) as {
        report: { clauses: { id: string; status: string }[] };
      };
      await open(new URL(run.productUrl).pathname);
      const shown = await page
        .locator('main table.app-clause-matrix tbody tr')
        .evaluateAll((rows) =>
          rows.map((row) => [
            row.getAttribute('data-clause'),
            row.querySelector('.govuk-tag')?.textContent?.trim(),
          ]),
        );
      expect(shown, run.name).toEqual(
        signed.report.clauses.map((clause) => [clause.id, shownAs[clause.status] ?? clause.status]),
      );
    }
    // The faulty supplier's personal records were open to anyone: that clause, and only that one, failed.
    const faulty = JSON.parse(
      await readFile(demo.published.find((p) => p.name === 'faulty')?.signedPath ?? '', 'utf8'),
    ) as { report: { clauses: { id: string; status: string }[] } };
    expect(faulty.report.clauses.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([
      'personal-data',
    ]);
  });

  it('shows the faulty product’s failed checks with their evidence', async () => {
    const faulty = demo.published.find((p) => p.name === 'faulty');
    await open(new URL(faulty?.productUrl ?? '/').pathname);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toMatch(/fail/i);
    expect(main).toMatch(/self-assessed/i);
  });

  it('renders each product’s badge', async () => {
    const conformant = demo.published.find((p) => p.name === 'conformant');
    const productId = new URL(conformant?.productUrl ?? '/').pathname.split('/').pop();
    await open(`/badges/${productId}.svg`);
    const svg = page.locator('svg');
    expect(await svg.getAttribute('role')).toBe('img');
    // As a supplier's site would show it: an <img> that the browser must be able to draw (on one of the
    // dashboard's own pages, so that the browser treats it as the same site).
    await open('/councils');
    const drawn = await page.evaluate(async (src) => {
      const doc = (
        globalThis as unknown as {
          document: { createElement(tag: string): unknown; body: { append(node: unknown): void } };
        }
      ).document;
      const img = doc.createElement('img') as {
        src: string;
        alt: string;
        decode(): Promise<void>;
        naturalWidth: number;
      };
      img.alt = 'Council Conform badge';
      img.src = src;
      doc.body.append(img);
      await img.decode();
      return img.naturalWidth;
    }, `/badges/${productId}.svg`);
    expect(drawn).toBeGreaterThan(20);
    await screenshotAtWidths(page, 'badge');
  });

  it('passes an axe WCAG 2.2 AA scan on the supplier, clause, councils and not-found pages', async () => {
    await open('/');
    const supplierLink = page.locator('main table tbody a[href^="/suppliers/"]').first();
    await supplierLink.click();
    await page.waitForLoadState('load');
    await expectAccessible('supplier');
    await open('/clauses/right-to-data');
    await expectAccessible('clause');
    await open('/clauses');
    await expectAccessible('clauses');
    // The review page opens to anyone; saving a decision needs a credential typed into it.
    await open('/review');
    await expectAccessible('review');
    await open('/councils');
    await expectAccessible('councils');
    const missing = await page.goto(new URL('/products/no-such-product', demo.url).toString());
    expect(missing?.status()).toBe(404);
    await expectAccessible('not-found');
  });

  it('refuses a tampered report and keeps the league table as it was', async () => {
    const conformant = demo.published.find((p) => p.name === 'conformant');
    const signed = JSON.parse(await readFile(conformant?.signedPath ?? '', 'utf8')) as {
      report: { checks: { status: string }[] };
    };
    const passed = signed.report.checks.find((check) => check.status === 'pass');
    if (passed) passed.status = 'fail';
    const outcome = await publishSignedReport(Buffer.from(JSON.stringify(signed)), {
      to: demo.url,
      token: demoTokenOf(demo.credentials, 'certifier'),
    });
    expect(outcome.published).toBe(false);
    expect(outcome.httpStatus).toBe(422);
    expect(outcome.body.reason).toBe('tampered');
    await open('/');
    expect(await leagueRows()).toHaveLength(2);
  });
});
