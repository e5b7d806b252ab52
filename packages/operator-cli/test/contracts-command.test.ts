import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYNTHETIC_REGISTERS } from '@council-conform/contracts/fixtures';
import { listenDashboard, openResultsStore, type ResultsStore } from '@council-conform/dashboard';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_COUNCILS, writeDemoRegisters } from '../src/commands/demo-contracts.ts';
import { importDemoContracts, runOperatorCli } from '../src/index.ts';
import { capture } from './support.ts';

/** An administrator's: it may import any council's register and register any supplier's number. */
const TOKEN = 'contracts-test-administrator-token-0123456789';
const councilTokens = new Map(
  DEMO_COUNCILS.map((council) => [council.code, `contracts-test-council-${council.code}-0123456789abcdef`]),
);
const [camden, hackney] = SYNTHETIC_REGISTERS;
let dir: string;
let store: ResultsStore;
let dashboard: Awaited<ReturnType<typeof listenDashboard>>;
let registers: Server;
let registersUrl: string;

async function conform(...args: string[]) {
  const io = capture();
  const code = await runOperatorCli(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}
const importArgs = (location: string, council: string, ...more: string[]) => [
  'contracts',
  'import',
  location,
  '--council',
  council,
  '--to',
  dashboard.url,
  '--token',
  TOKEN,
  ...more,
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conform-contracts-'));
  store = await openResultsStore();
  dashboard = await listenDashboard({
    store,
    port: 0,
    trustedKeys: [],
    administratorToken: TOKEN,
    seedPrincipals: DEMO_COUNCILS.map((council) => ({
      kind: 'council' as const,
      name: council.name,
      councilCode: council.code,
      token: councilTokens.get(council.code) as string,
    })),
  });
  // A council's website, publishing Hackney's register.
  const hackneyBytes = await readFile(hackney?.path as string);
  registers = createServer((request, response) => {
    if (request.url === '/open-data/contracts.csv') {
      response.writeHead(200, { 'content-type': 'text/csv' });
      response.end(hackneyBytes);
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  registers.listen(0, '127.0.0.1');
  await once(registers, 'listening');
  registersUrl = `http://127.0.0.1:${(registers.address() as AddressInfo).port}`;
}, BUDGET.database);

afterAll(async () => {
  registers?.close();
  await dashboard?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('conform contracts import', () => {
  it('imports a register file, listing each refused row by line, and exits 1 while any row was refused', async () => {
    const first = await conform(...importArgs(camden?.path as string, 'E09000007'));
    expect(first.code, first.err).toBe(1);
    expect(first.out).toContain(
      'imported camden.csv into Camden (E09000007): 8 new, 0 updated, 0 unchanged; 3 rows refused',
    );
    expect(first.out).toContain(`${dashboard.url.replace(/\/$/, '')}/procurement/councils/E09000007`);
    expect(first.err.split('\n')).toEqual([
      'line 4: End date: "31/02/2027" is not a date in the calendar',
      'line 8: Value: "£12,5O0.00" is not an amount of money in pounds, such as 125000 or £125,000.00',
      'line 12: the quoted field 6 opened on line 12 is never closed',
    ]);
    const again = await conform(...importArgs(camden?.path as string, 'E09000007'));
    expect(again.out).toContain('0 new, 0 updated, 8 unchanged; 3 rows refused');
    expect((await store.contracts.contracts({ councilCode: 'E09000007' })).length).toBe(8);
  });

  it('fetches a register from its URL, which the dashboard then cites as the source', async () => {
    const url = `${registersUrl}/open-data/contracts.csv`;
    const result = await conform(...importArgs(url, 'E09000012'));
    expect(result.out).toContain(`imported ${url} into Hackney (E09000012): 8 new`);
    const [contract] = await store.contracts.contracts({ councilCode: 'E09000012' });
    expect(contract?.source).toBe(url);
  });

  it('exits 0 when every row was stored', async () => {
    const clean = join(dir, 'islington-clean.csv');
    await writeFile(
      clean,
      'Contract reference number,Title,End date,Supplier name\r\nISL-1,Waste collection system,31/03/2028,Greenway Digital Ltd\r\n',
    );
    const result = await conform(...importArgs(clean, 'E09000019'));
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('1 new, 0 updated, 0 unchanged; 0 rows refused');
    expect(result.err).toBe('');
  });

  it('exits 1 with the dashboard’s reason when it cannot read the register at all', async () => {
    const noColumns = join(dir, 'not-a-register.csv');
    await writeFile(noColumns, 'Name,Amount\r\nA,1\r\n');
    const result = await conform(...importArgs(noColumns, 'E09000019'));
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /refused the register \(HTTP 422\): the header \(line 1\) has no "Contract reference number" column/,
    );
  });

  it('exits 2 naming the mistake: the council, the file, the URL, the token, the dashboard', async () => {
    const council = await conform(...importArgs(camden?.path as string, 'E08000001'));
    expect(council.code).toBe(2);
    expect(council.err).toContain(
      'COUNCIL_UNKNOWN: --council: E08000001 is not the GSS code of a London local authority',
    );
    const missing = await conform(...importArgs(join(dir, 'no-such.csv'), 'E09000007'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/REGISTER_UNREADABLE: .*no-such\.csv cannot be read/);
    const gone = await conform(...importArgs(`${registersUrl}/moved-away.csv`, 'E09000007'));
    expect(gone.code).toBe(2);
    expect(gone.err).toContain('REGISTER_FETCH_FAILED: ');
    expect(gone.err).toContain('answered HTTP 404, not the register');
    const saved = process.env.CONFORM_UPLOAD_TOKEN;
    delete process.env.CONFORM_UPLOAD_TOKEN;
    try {
      const noToken = await conform(
        'contracts',
        'import',
        camden?.path as string,
        '--council',
        'E09000007',
        '--to',
        dashboard.url,
      );
      expect(noToken.code).toBe(2);
      expect(noToken.err).toContain('UPLOAD_TOKEN_MISSING');
    } finally {
      if (saved !== undefined) process.env.CONFORM_UPLOAD_TOKEN = saved;
    }
    const wrongToken = await conform(
      ...importArgs(camden?.path as string, 'E09000007').slice(0, -1),
      'not-the-token-at-all',
    );
    expect(wrongToken.code).toBe(2);
    expect(wrongToken.err).toContain('refused the register (HTTP 401)');
    const unreachable = await conform(
      'contracts',
      'import',
      camden?.path as string,
      '--council',
      'E09000007',
      '--to',
      'http://127.0.0.1:1',
      '--token',
      TOKEN,
    );
    expect(unreachable.code).toBe(2);
    expect(unreachable.err).toContain('DASHBOARD_UNREACHABLE');
  });
});

describe('conform contracts company-number', () => {
  const register = (number: string, supplier: string, to = dashboard.url, token = TOKEN) =>
    conform('contracts', 'company-number', number, '--supplier', supplier, '--to', to, '--token', token);

  /** A dashboard that answers every registration with `status`, keeping what it was sent. */
  async function fakeDashboard(status: number, answer: Record<string, unknown>) {
    const received: { authorization?: string; body: unknown }[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({
          ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
        response.writeHead(status, {
          'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
        });
        response.end(JSON.stringify(answer));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
  }

  it('registers the number, sending it as Companies House writes it, and says what it now matches', async () => {
    const fake = await fakeDashboard(201, {
      supplier: 'Example Civic Software Ltd',
      companyNumber: '09000101',
    });
    try {
      const result = await register(' 9000101 ', 'Example Civic Software Ltd', fake.url);
      expect(result.code, result.err).toBe(0);
      expect(result.out).toBe(
        "registered: Companies House number 09000101 is Example Civic Software Ltd's; councils' contracts giving it now match Example Civic Software Ltd's products",
      );
      expect(fake.received).toEqual([
        {
          authorization: `Bearer ${TOKEN}`,
          body: { supplier: 'Example Civic Software Ltd', companyNumber: '09000101' },
        },
      ]);
    } finally {
      fake.server.close();
    }
  });

  it('exits 1 with the dashboard’s reason for a supplier that has not published, or a number already taken', async () => {
    const stranger = await register('99000101', 'Nobody Ltd');
    expect(stranger.code).toBe(1);
    expect(stranger.err).toContain(
      'refused the number (HTTP 404): no supplier named "Nobody Ltd" has published a report here',
    );
    const fake = await fakeDashboard(409, {
      title: 'Conflict',
      detail: 'Companies House number 99000101 is registered to Example Civic Software Ltd',
    });
    try {
      const taken = await register('99000101', 'Leaky Civic Systems Ltd', fake.url);
      expect(taken.code).toBe(1);
      expect(taken.err).toContain('(HTTP 409): Companies House number 99000101 is registered to Example');
    } finally {
      fake.server.close();
    }
  });

  it('exits 2 for a number that is not one, before calling anyone, and for a token the dashboard refuses', async () => {
    // Nothing listens on port 1: a request would have failed as DASHBOARD_UNREACHABLE instead.
    const typo = await register('1234567890', 'Example Civic Software Ltd', 'http://127.0.0.1:1');
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('COMPANY_NUMBER_INVALID: "1234567890" is not a Companies House number');
    const wrongToken = await register('99000101', 'Nobody Ltd', dashboard.url, 'not-the-token-at-all');
    expect(wrongToken.code).toBe(2);
    expect(wrongToken.err).toContain('refused the number (HTTP 401)');
  });
});

describe('importDemoContracts', () => {
  it('imports each demo council’s register with its own credential and gives the timeline’s address', async () => {
    const registers = await writeDemoRegisters(join(dir, 'demo-registers'), new Date());
    const imported = await importDemoContracts(
      { url: dashboard.url, administratorToken: TOKEN, councilTokens },
      { systemType: 'street-reports', registers, suppliers: [] },
    );
    expect(imported.imports.map((i) => [i.council, i.source, i.refused])).toEqual([
      ['Camden', 'camden.csv', 0],
      ['Hackney', 'hackney.csv', 1],
      ['Islington', 'islington.csv', 0],
      ['Southwark', 'southwark.csv', 0],
    ]);
    // Southwark's register is imported here only: both its contracts are stored.
    expect((await store.contracts.contracts({ councilCode: 'E09000028' })).map((c) => c.reference)).toEqual([
      'SWK/0310',
      'SWK/0291',
    ]);
    expect(imported.timelineUrl).toBe(
      new URL('/procurement/timelines/street-reports', dashboard.url).toString(),
    );
  });

  it('says which supplier’s number the dashboard refused, as one that has not published', async () => {
    await expect(
      importDemoContracts(
        { url: dashboard.url, administratorToken: TOKEN, councilTokens },
        {
          systemType: 'street-reports',
          registers: [],
          suppliers: [{ name: 'Example Civic Software Ltd', companyNumber: '99000101' }],
        },
      ),
    ).rejects.toThrow(
      /the dashboard refused Example Civic Software Ltd's Companies House number: HTTP 404 no supplier named "Example Civic Software Ltd" has published a report here/,
    );
  });
});
