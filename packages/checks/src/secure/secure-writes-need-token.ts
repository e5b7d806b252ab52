import { type Check, ViolationCollector } from '@council-conform/runner';
import { judged as counted, judge, notApplicable } from '../support/outcomes.ts';
import { writeOperations } from '../support/writes.ts';

/** Write operations tried per run: enough to show the rule, few enough to keep a sandbox tidy. */
const SAMPLE = 3;
const ABSENT = new Set([404, 405, 501]);

export const secureWritesNeedToken: Check = {
  id: 'secure-writes-need-token',
  clause: 'secure',
  severity: 'must',
  title: 'Writes are refused without a token',
  description:
    'In sandbox mode, sends up to three of the reference’s write operations (the profile’s required ones first) with no token; each must answer 401 or 403 before anything else. An answer of 2xx changed data for an anonymous caller; a 400 or 422 shows the request was processed before the caller was identified.',
  modes: ['sandbox'],
  sampling: 'Up to three of the reference’s write operations, the profile’s required ones first, once each.',
  async run(ctx) {
    const writes = writeOperations(ctx);
    if (writes.length === 0) return notApplicable(`${ctx.reference.profile.id} has no write operations`);
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    const judged: string[] = [];
    for (const write of writes) {
      if (judged.length >= SAMPLE) break;
      const hasBody = write.method !== 'DELETE' && write.contentType !== undefined;
      const response = await ctx.http.request({
        url: write.url,
        method: write.method,
        auth: 'none',
        ...(hasBody
          ? {
              headers: { 'content-type': write.contentType as string },
              body: /json/i.test(write.contentType as string) ? '{}' : '',
            }
          : {}),
        note: `${write.operationId} without a token: must be 401 or 403`,
      });
      exchangeIds.push(response.exchange.id);
      if (ABSENT.has(response.status)) continue;
      judged.push(`${write.operationId}: ${response.status}`);
      if (response.status !== 401 && response.status !== 403)
        violations.add(`a write answered ${response.status} without a token`, {
          message: `${write.method} ${write.url} (${write.operationId}) answered ${response.status} with no token (expected 401 or 403)`,
          location: write.url,
          exchangeId: response.exchange.id,
        });
    }
    if (judged.length === 0)
      return notApplicable(
        `no write operation was found on the API (each answered 404, 405 or 501): ${writes.map((w) => w.operationId).join(', ')}`,
        { exchangeIds },
      );
    return judge(
      violations,
      {
        pass: `writes without a token are refused (${judged.join(', ')})`,
        fail: 'writes are not refused without a token; check the token before anything else',
      },
      { exchangeIds, judged: counted(judged.length, 'writes without a token') },
    );
  },
};
