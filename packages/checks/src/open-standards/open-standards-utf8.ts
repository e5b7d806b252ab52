import {
  type Check,
  firstInvalidUtf8Byte,
  type HarnessResponse,
  ViolationCollector,
} from '@council-conform/runner';
import { harnessError, judge, judged } from '../support/outcomes.ts';
import { mediaTypeOf, samplePage } from '../support/pages.ts';
import { badRequestProbe, notFoundProbe, topLevelDatasets } from '../support/probes.ts';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export const openStandardsUtf8: Check = {
  id: 'open-standards-utf8',
  clause: 'open-standards',
  severity: 'must',
  title: 'JSON is UTF-8',
  description:
    'Reads a sample page of every dataset and the provoked error answers, and checks each JSON body is valid UTF-8 with no byte order mark and declares no other charset (RFC 8259 section 8.1). A body in Windows-1252 turns "Café" into garbage in every other system.',
  sampling: 'A two-record first page of every dataset’s list and the provoked 400 and 404.',
  async run(ctx) {
    const responses: { label: string; response: HarnessResponse | undefined }[] = [];
    for (const dataset of topLevelDatasets(ctx))
      responses.push({ label: `${dataset.id} list`, response: await samplePage(ctx, dataset) });
    responses.push({ label: 'the provoked 400', response: await badRequestProbe(ctx) });
    responses.push({ label: 'the provoked 404', response: await notFoundProbe(ctx) });
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    let answers = 0;
    for (const { label, response } of responses) {
      if (!response) continue;
      const media = mediaTypeOf(response);
      if (!/[/+]json$/.test(media)) continue;
      answers += 1;
      exchangeIds.push(response.exchange.id);
      const where = { location: response.url, exchangeId: response.exchange.id };
      const charset = /;\s*charset="?([^";\s]+)/i.exec(response.header('content-type') ?? '')?.[1];
      if (charset && !/^utf-?8$/i.test(charset)) {
        violations.add(`declares charset ${charset}`, {
          message: `${label}: Content-Type declares charset=${charset}`,
          ...where,
        });
      }
      if (response.body.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))) {
        violations.add('starts with a byte order mark', {
          message: `${label}: the body starts with a BOM`,
          ...where,
        });
      }
      try {
        strict.decode(response.body);
      } catch {
        const at = firstInvalidUtf8Byte(response.body);
        violations.add('not valid UTF-8', {
          message: `${label}: byte 0x${response.body[at]?.toString(16) ?? '??'} at offset ${at} is not valid UTF-8`,
          ...where,
        });
      }
    }
    if (answers === 0) return harnessError('no JSON answer was read to check its encoding', { exchangeIds });
    return judge(
      violations,
      {
        pass: `${answers} JSON answers are valid UTF-8`,
        fail: 'JSON is not UTF-8; encode every body as UTF-8 (RFC 8259)',
      },
      { exchangeIds, judged: judged(answers, 'answers') },
    );
  },
};
