import { internalsIn, revealingHeaders } from '@council-conform/explorer';
import {
  type Check,
  type HarnessResponse,
  type RunContext,
  ViolationCollector,
} from '@council-conform/runner';
import { harnessError, judge, judged } from '../support/outcomes.ts';
import { badRequestProbe, isPublic, notFoundProbe, topLevelDatasets } from '../support/probes.ts';
import { writeOperations } from '../support/writes.ts';

/** Provoked errors: a missing record, a bad parameter, a quote in an id, no token, and (sandbox) broken JSON. */
async function provokeErrors(ctx: RunContext): Promise<{ label: string; response: HarnessResponse }[]> {
  const out: { label: string; response: HarnessResponse }[] = [];
  const notFound = await notFoundProbe(ctx);
  if (notFound) out.push({ label: 'a missing record', response: notFound });
  const badRequest = await badRequestProbe(ctx);
  if (badRequest) out.push({ label: 'an invalid parameter', response: badRequest });
  const datasets = topLevelDatasets(ctx);
  const get = datasets[0] ? ctx.operationPath(datasets[0].get) : undefined;
  if (get) {
    const url = get.path.replace(/\{[^}]+\}/, encodeURIComponent(`1'"><0`));
    const response = await ctx.http.request({
      url,
      auth: 'primary',
      note: 'provoke an error with quotes and brackets in an id',
    });
    out.push({ label: 'quotes in an id', response });
  }
  const personal = datasets.find((d) => !isPublic(d));
  const list = personal ? ctx.operationPath(personal.list) : undefined;
  if (list) {
    const response = await ctx.http.request({ url: list.path, note: 'provoke a 401: no token' });
    out.push({ label: 'no token', response });
  }
  const write = ctx.config.mode === 'sandbox' ? writeOperations(ctx)[0] : undefined;
  if (write) {
    const response = await ctx.http.request({
      url: write.url,
      method: write.method,
      auth: 'primary',
      headers: { 'content-type': 'application/json' },
      body: '{"conform": ["not closed"',
      note: 'provoke a 400 with a malformed JSON body',
    });
    out.push({ label: 'malformed JSON', response });
  }
  return out;
}

export const secureNoInternalsInErrors: Check = {
  id: 'secure-no-internals-in-errors',
  clause: 'secure',
  severity: 'must',
  title: 'Errors reveal no internals',
  description:
    'Provokes errors (a missing record, an invalid parameter, quotes in an id, no token and, in sandbox mode, a malformed JSON body) and scans each answer for stack traces, server file paths, SQL, framework names and connection strings, and for headers such as X-Powered-By. Such details map the system for an attacker and belong in the supplier’s logs, not in responses.',
  sampling:
    'Five or six provoked errors, once each: a missing record, an invalid parameter, quotes in an id, no token, and in sandbox mode a malformed JSON body.',
  async run(ctx) {
    const provoked = await provokeErrors(ctx);
    if (provoked.length === 0)
      return harnessError('the reference gives no operation to provoke an error with');
    const violations = new ViolationCollector();
    for (const { label, response } of provoked) {
      // An answer that is not an error (a personal list served without a token) is another check's finding;
      // its records may name businesses such as "Express Pizza" that are not framework names.
      if (response.status < 400) continue;
      const where = {
        location: `${response.status} ${new URL(response.url).pathname}`,
        exchangeId: response.exchange.id,
      };
      const text = response.body.subarray(0, 256 * 1024).toString('utf8');
      for (const { kind, excerpt } of internalsIn(text))
        violations.add(`${kind} in an error`, {
          message: `the answer to ${label} (${response.status}) contains ${kind}: “${excerpt}”`,
          ...where,
        });
      for (const { name, value } of revealingHeaders((header) => response.header(header)))
        violations.add(`a ${name} header`, {
          message: `the answer to ${label} sends ${name}: ${value}`,
          ...where,
        });
    }
    return judge(
      violations,
      {
        pass: `${provoked.length} provoked errors (${provoked.map((p) => `${p.label}: ${p.response.status}`).join(', ')}) reveal no internals`,
        fail: 'errors reveal how the API is built; log the details and answer with a plain RFC 9457 problem',
      },
      {
        exchangeIds: provoked.map((p) => p.response.exchange.id),
        judged: judged(provoked.filter((p) => p.response.status >= 400).length, 'error answers'),
      },
    );
  },
};
