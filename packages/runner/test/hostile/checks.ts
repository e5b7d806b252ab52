import { createHash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Check,
  type CheckOutcome,
  firstInvalidUtf8Byte,
  HarnessError,
  type HarnessResponse,
  parseRetryAfter,
  type RunContext,
} from '../../src/index.ts';

/**
 * Four real checks, written the way the catalogue's are, over the paths the hostile supplier serves: one
 * record, one list crawled to its end, the caller's identity, and a bulk export downloaded and compared with
 * its manifest. The runner must carry each of them through every pathology to an outcome a person can act on.
 */

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Why an answer is not the 200 a check wanted, in words that say what the server did. */
export function describeAnswer(ctx: RunContext, response: HarnessResponse): string {
  const { status } = response;
  const location = response.header('location');
  if (status >= 300 && status < 400 && location) {
    const next = new URL(location, response.url);
    if (/^169\.254\.|^\[fe80:/i.test(next.hostname))
      return `answered ${status} redirecting to ${next.origin}, a link-local address (a cloud metadata service): not followed`;
    if (next.origin !== ctx.config.targetUrl.origin)
      return `answered ${status} redirecting to another origin, ${next.origin}: not followed, and no credentials went there`;
    return `answered ${status} redirecting to ${next.pathname}${next.search} after every redirect the runner follows: the redirects do not end`;
  }
  if (status === 429) {
    const wait = parseRetryAfter(response.header('retry-after'));
    return wait !== undefined && wait > ctx.config.maxRetryAfterMs
      ? `answered 429 Too Many Requests asking to wait ${Math.round(wait / 1000)} s, longer than the ${ctx.config.maxRetryAfterMs} ms the run waits`
      : '429 Too Many Requests every time, after the retries the runner makes with the waits it was asked for';
  }
  if (status === 401)
    return `answered 401 even with a token fresh from the token endpoint (${response.header('www-authenticate') ?? 'no WWW-Authenticate'})`;
  if (status >= 500) return `answered ${status}: the server failed`;
  return `answered ${status}`;
}

export const recordCheck: Check = {
  id: 'hostile-record',
  clause: 'public-data',
  severity: 'must',
  title: 'One record reads as plain JSON',
  description:
    'Reads item 1 and expects a UTF-8 JSON object whose text fields hold plain text, so that a council page can show it.',
  sampling: 'What the hostile supplier serves, once.',
  async run(ctx) {
    const response = await ctx.http.request({ url: '/items/1', auth: 'primary', note: 'read item 1' });
    const exchangeIds = [response.exchange.id];
    if (response.status !== 200)
      return {
        status: response.status === 429 ? 'error' : 'fail',
        message: `GET /items/1 ${describeAnswer(ctx, response)}`,
        exchangeIds,
      };
    try {
      strictUtf8.decode(response.body);
    } catch {
      const at = firstInvalidUtf8Byte(response.body);
      return {
        status: 'fail',
        message: `GET /items/1: byte 0x${response.body[at]?.toString(16)} at offset ${at} is not valid UTF-8; encode JSON as UTF-8 (RFC 8259)`,
        exchangeIds,
      };
    }
    let record: unknown;
    try {
      record = response.json();
    } catch (error) {
      if (error instanceof HarnessError && error.code === 'INVALID_JSON')
        return { status: 'fail', message: error.message, exchangeIds };
      throw error;
    }
    if (!isObject(record) || record.id !== '1')
      return { status: 'fail', message: 'GET /items/1 did not answer item 1', exchangeIds };
    const marked = Object.entries(record).filter(
      ([, value]) => typeof value === 'string' && /<\s*[a-z!/][^>]*>/i.test(value),
    );
    if (marked.length > 0)
      return {
        status: 'fail',
        message: `item 1 carries HTML markup in ${marked.map(([field, value]) => `${field} (${JSON.stringify(String(value).slice(0, 40))})`).join(' and ')}: a page that shows it unescaped runs it; send plain text`,
        exchangeIds,
      };
    return { status: 'pass', message: 'read item 1', exchangeIds, judged: { count: 1, of: 'records' } };
  },
};

export const crawlCheck: Check = {
  id: 'hostile-crawl',
  clause: 'open-standards',
  severity: 'must',
  title: 'A list pages to its end',
  description: 'Reads every page of the items list, following its next links, and expects it to end.',
  sampling: 'What the hostile supplier serves, once.',
  async run(ctx) {
    const dataset = ctx.reference.profile.datasets.find((d) => d.id === 'items');
    if (!dataset) throw new Error('the reference has no items dataset');
    const crawl = await ctx.crawl(dataset);
    if (crawl.problem)
      return {
        // The runner running out of time is not the supplier's fault; anything else the walk met is.
        status: /time budget/.test(crawl.problem) ? 'error' : 'fail',
        message: `reading items stopped after ${crawl.pages} page(s): ${crawl.problem}`,
        exchangeIds: crawl.exchangeIds.slice(-5),
      };
    return {
      status: 'pass',
      message: `read ${crawl.records.length} items in ${crawl.pages} page(s)`,
      exchangeIds: crawl.exchangeIds,
      judged: { count: crawl.pages, of: 'pages' },
    };
  },
};

export const whoamiCheck: Check = {
  id: 'hostile-whoami',
  clause: 'secure',
  severity: 'must',
  title: 'No answer echoes the credentials',
  description:
    'Reads the caller’s identity and expects no Authorization value in the body or headers of the answer: a log or cache on the way would keep it.',
  sampling: 'What the hostile supplier serves, once.',
  async run(ctx) {
    const response = await ctx.http.request({ url: '/whoami', auth: 'primary', note: 'who am I' });
    const exchangeIds = [response.exchange.id];
    if (response.status !== 200)
      return { status: 'fail', message: `GET /whoami ${describeAnswer(ctx, response)}`, exchangeIds };
    const bearer = /\bbearer\s+[\w.~+/-]{8,}/i;
    const places = [
      ...(bearer.test(response.text()) ? ['its body'] : []),
      ...Object.entries(response.headers)
        .filter(([, value]) => bearer.test(value))
        .map(([name]) => `header ${name}`),
    ];
    return places.length > 0
      ? {
          status: 'fail',
          message: `GET /whoami echoes the Authorization header back in ${places.join(' and ')}; never reflect credentials`,
          exchangeIds,
        }
      : {
          status: 'pass',
          message: 'the answer carries no credentials',
          exchangeIds,
          judged: { count: 1, of: 'responses' },
        };
  },
};

/** Counts RFC 4180 records chunk by chunk and notes cells a spreadsheet would run as formulas. */
class CsvReader {
  records = -1; // the header row is not a record
  readonly formulas: string[] = [];
  formulaCount = 0;
  private header: string[] = [];
  private row: string[] = [];
  private field = '';
  private quoted = false;
  private afterQuote = false;
  private pendingCr = false;

  write(text: string): void {
    for (const char of text) {
      if (this.pendingCr) {
        this.pendingCr = false;
        if (char === '\n') continue;
      }
      if (this.quoted) {
        if (char === '"') {
          this.quoted = false;
          this.afterQuote = true;
        } else this.add(char);
      } else if (char === '"') {
        if (this.afterQuote) this.add('"');
        this.quoted = true;
        this.afterQuote = false;
      } else if (char === ',') this.endField();
      else if (char === '\r' || char === '\n') {
        this.pendingCr = char === '\r';
        this.endRow();
      } else {
        this.afterQuote = false;
        this.add(char);
      }
    }
  }

  end(): void {
    if (this.field !== '' || this.row.length > 0) this.endRow();
  }

  private add(char: string): void {
    if (this.field.length < 60) this.field += char;
  }

  private endField(): void {
    this.afterQuote = false;
    // OWASP: = + @ tab and CR start a formula; so does - unless the cell is a plain number.
    if (this.records >= 0 && /^[=+@\t\r]|^-(?![\d.]+$)/.test(this.field)) {
      this.formulaCount += 1;
      if (this.formulas.length < 2)
        this.formulas.push(
          `row ${this.records + 2} ${this.header[this.row.length] ?? `column ${this.row.length + 1}`}: ${JSON.stringify(this.field.slice(0, 30))}`,
        );
    }
    this.row.push(this.field);
    this.field = '';
  }

  private endRow(): void {
    this.endField();
    if (this.records < 0) this.header = this.row;
    this.records += 1;
    this.row = [];
  }
}

export const exportCheck: Check = {
  id: 'hostile-export',
  clause: 'right-to-data',
  severity: 'must',
  title: 'A bulk export completes and matches its manifest',
  description:
    'Starts an export, polls it to completion within the export budget, downloads every file streaming and compares records, bytes and SHA-256 with the manifest; CSV cells must not be spreadsheet formulas.',
  sampling: 'Every file of one export, whole.',
  async run(ctx): Promise<CheckOutcome> {
    const start = await ctx.http.request({
      url: '/exports',
      method: 'POST',
      auth: 'primary',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      note: 'start an export',
    });
    const exchangeIds = [start.exchange.id];
    const location = start.header('location');
    if (start.status !== 202 || !location)
      return { status: 'fail', message: `POST /exports ${describeAnswer(ctx, start)}`, exchangeIds };
    const began = Date.now();
    let job: Record<string, unknown> | undefined;
    for (let poll = 1; ; poll++) {
      const response = await ctx.http.request({ url: location, auth: 'primary', note: `poll ${poll}` });
      exchangeIds.push(response.exchange.id);
      const body = response.status === 200 ? response.json() : undefined;
      job = isObject(body) ? body : undefined;
      if (job?.status === 'complete') break;
      if (Date.now() - began > ctx.config.exportBudgetMs)
        return {
          status: 'fail',
          message: `the export job was still "${String(job?.status ?? response.status)}" after ${poll} polls when the ${ctx.config.exportBudgetMs} ms export budget ran out: it never completed`,
          exchangeIds: exchangeIds.slice(-3),
        };
      await sleep(100);
    }
    const manifest = isObject(job.manifest) ? job.manifest : {};
    const files = (Array.isArray(manifest.files) ? manifest.files : []).filter(isObject);
    const problems: string[] = [];
    for (const file of files) {
      const name = String(file.url).split('/').pop();
      const hash = createHash('sha256');
      const csv = file.format === 'csv' ? new CsvReader() : undefined;
      const text = new StringDecoder('utf8');
      let lines = 0;
      const result = await ctx.http.download(
        { url: String(file.url), auth: 'primary', note: `download ${name}` },
        (chunk) => {
          hash.update(chunk);
          if (csv) csv.write(text.write(chunk));
          else for (const byte of chunk) if (byte === 0x0a) lines += 1;
        },
      );
      exchangeIds.push(result.exchange.id);
      if (result.status !== 200) {
        problems.push(`${name}: the download answered ${result.status}`);
        continue;
      }
      csv?.write(text.end());
      csv?.end();
      const records = csv ? csv.records : lines;
      if (records !== file.records)
        problems.push(
          `${name}: the manifest says ${String(file.records)} records, the file holds ${records}`,
        );
      if (result.bytes !== file.bytes)
        problems.push(`${name}: the manifest says ${String(file.bytes)} bytes, ${result.bytes} arrived`);
      const sha256 = hash.digest('hex');
      if (sha256 !== file.sha256)
        problems.push(`${name}: the manifest's SHA-256 is not the file's (${sha256.slice(0, 12)}…)`);
      if (csv && csv.formulaCount > 0)
        problems.push(
          `${name}: ${csv.formulaCount} cell(s) begin with = + - or @ and would run as spreadsheet formulas (${csv.formulas.join('; ')}); prefix such text with ' or refuse it`,
        );
    }
    if (files.length === 0) problems.push('the completed export lists no files');
    return problems.length > 0
      ? { status: 'fail', message: problems.join('; '), exchangeIds }
      : {
          status: 'pass',
          message: `${files.length} files match their manifest`,
          exchangeIds,
          judged: { count: files.length, of: 'export files' },
        };
  },
};

export const HOSTILE_CHECKS: readonly Check[] = [recordCheck, crawlCheck, whoamiCheck, exportCheck];
export type HostileCheckId = 'hostile-record' | 'hostile-crawl' | 'hostile-whoami' | 'hostile-export';
