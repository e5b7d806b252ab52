import type { Check } from '@council-conform/runner';
import { runExport } from '../support/export.ts';
import { isObject } from '../support/json.ts';
import { fail, judged, pass } from '../support/outcomes.ts';

// How suppliers dress up a charge: problem types and titles, and per-record pricing headers.
const CHARGING =
  /payment|pay|charge|price|pricing|cost|fee|quote|invoice|sales|account manager|licen[cs]e upgrade|premium|billing/i;
const CHARGE_HEADERS = /^(x-)?(charge|cost|price|fee|billing|quota-cost)(-|$)/i;

export const rightToDataExportFree: Check = {
  id: 'right-to-data-export-free',
  clause: 'right-to-data',
  severity: 'must',
  title: 'A bulk export starts, free of charge',
  description:
    'Starts a bulk export of every dataset (POST /exports) and expects 202 Accepted with a Location. A 402, a "contact sales" or payment problem, or per-record charge headers fail: councils have been asked for up to £100,000 to reach their own data.',
  sampling: 'One POST /exports.',
  async run(ctx) {
    const run = await runExport(ctx);
    const start = run.start;
    if (!start)
      return fail(`the export could not be started: ${run.message}`, { exchangeIds: run.exchangeIds });
    const exchangeIds = [start.exchange.id];
    const chargeHeaders = Object.keys(start.headers).filter((name) => CHARGE_HEADERS.test(name));
    if (chargeHeaders.length > 0) {
      return fail(
        `the export answer carries charging headers (${chargeHeaders.join(', ')}); exports are free by definition`,
        { exchangeIds },
      );
    }
    if (start.status === 402)
      return fail('the export answered 402 Payment Required: the council is asked to pay for its own data', {
        exchangeIds,
      });
    if (start.status !== 202) {
      let body: unknown;
      try {
        body = start.json();
      } catch {
        body = undefined;
      }
      const words = isObject(body)
        ? `${String(body.type ?? '')} ${String(body.title ?? '')} ${String(body.detail ?? '')}`
        : start.text().slice(0, 500);
      if (CHARGING.test(words)) {
        return fail(
          `the export was refused with a charging or sales answer (HTTP ${start.status}): the council must be able to take its data itself, free`,
          { exchangeIds },
        );
      }
      return fail(`POST /exports answered ${start.status}; it must answer 202 Accepted with a Location`, {
        exchangeIds,
      });
    }
    if (!start.header('location'))
      return fail('POST /exports answered 202 without a Location header to poll', { exchangeIds });
    return pass('the export started without charge (202 Accepted)', {
      exchangeIds,
      judged: judged(1, 'export starts'),
    });
  },
};
