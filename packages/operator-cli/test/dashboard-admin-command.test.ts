import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair } from '@council-conform/certificates';
import { listenDashboard, openResultsStore, type ResultsStore } from '@council-conform/dashboard';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOperatorCli } from '../src/index.ts';
import { capture } from './support.ts';

// The seed the dashboard makes its first administrator from: 40 characters, as an operator would set it.
const ADMINISTRATOR_TOKEN = randomBytes(20).toString('hex');
const SUPPLIER_NAME = 'Acme Street Data Ltd';

let store: ResultsStore;
let dashboard: Awaited<ReturnType<typeof listenDashboard>>;

async function conform(...args: string[]) {
  const io = capture();
  const code = await runOperatorCli(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

/** `conform dashboard …` against the test's dashboard as `token`. */
const dashboardAs = (token: string, ...args: string[]) =>
  conform('dashboard', ...args, '--to', dashboard.url, '--token', token);
const asAdministrator = (...args: string[]) => dashboardAs(ADMINISTRATOR_TOKEN, ...args);

const tokenPrinted = (out: string) => /^token: (\S+)$/m.exec(out)?.[1] ?? '';

/** The supplier registering its own signing key, as `conform keys register` would: straight to the API. */
async function registerSupplierKey(token: string, publicKeyPem: string) {
  const response = await fetch(new URL('api/suppliers/keys', dashboard.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ publicKeyPem }),
  });
  return { status: response.status, body: (await response.json()) as { keyId?: string; state?: string } };
}

beforeAll(async () => {
  store = await openResultsStore();
  dashboard = await listenDashboard({
    store,
    port: 0,
    trustedKeys: [],
    administratorToken: ADMINISTRATOR_TOKEN,
  });
}, BUDGET.database);

afterAll(async () => {
  await dashboard?.close();
  await store?.close();
});

describe('conform dashboard: a supplier’s credential from issue to revocation', () => {
  // The steps build on each other, as an administrator's day does: one supplier, its credential, its key.
  let supplierId = '';
  let credentialId = '';
  let supplierToken = '';
  let rotatedToken = '';
  let keyId = '';

  it('lets the administrator add a supplier and issue it a credential, whose token it prints once', async () => {
    const added = await asAdministrator(
      'principals',
      'add',
      '--kind',
      'supplier',
      '--name',
      SUPPLIER_NAME,
      '--json',
    );
    expect(added.code, added.err).toBe(0);
    const principal = JSON.parse(added.out) as { id: string; kind: string; name: string };
    expect(principal).toMatchObject({ kind: 'supplier', name: SUPPLIER_NAME });
    supplierId = principal.id;

    const listed = await asAdministrator('principals', 'list');
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out).toMatch(/^ID +KIND +NAME/);
    expect(listed.out).toContain(supplierId);
    expect(listed.out).toMatch(/administrator +LOTI administrator|administrator/);

    const issued = await asAdministrator(
      'credentials',
      'issue',
      '--principal',
      supplierId,
      '--label',
      'Acme CI',
    );
    expect(issued.code, issued.err).toBe(0);
    expect(issued.out).toMatch(new RegExp(`^issued credential (\\S+) \\(Acme CI\\) to ${supplierId}$`, 'm'));
    expect(issued.out).toContain('cannot be shown again');
    supplierToken = tokenPrinted(issued.out);
    expect(supplierToken).toMatch(/^ccd_/);
    credentialId = /^issued credential (\S+)/m.exec(issued.out)?.[1] ?? '';

    const credentials = await asAdministrator('credentials', 'list');
    expect(credentials.code, credentials.err).toBe(0);
    expect(credentials.out).toMatch(new RegExp(`^${credentialId} +${supplierId} +Acme CI +\\S+ +live$`, 'm'));
    expect(credentials.out).not.toContain(supplierToken);
  });

  it('refuses the supplier’s token on administrators’ commands with the dashboard’s 403 reason', async () => {
    const refused = await dashboardAs(supplierToken, 'principals', 'list');
    expect(refused.code).toBe(2);
    expect(refused.out).toBe('');
    expect(refused.err).toMatch(
      /^conform: DASHBOARD_FORBIDDEN: the dashboard refused to list principals \(HTTP 403\): \S/,
    );
    const issuing = await dashboardAs(supplierToken, 'credentials', 'issue', '--principal', supplierId);
    expect(issuing.code).toBe(2);
    expect(issuing.err).toContain('HTTP 403');
    expect(issuing.out).not.toContain('token:');
  });

  it('rotates the credential: the old token is refused (401), the new one acts for the supplier', async () => {
    const rotated = await asAdministrator('credentials', 'rotate', credentialId);
    expect(rotated.code, rotated.err).toBe(0);
    expect(rotated.out).toMatch(
      new RegExp(
        `^rotated credential ${credentialId}: it is revoked; ${supplierId} now acts with \\S+ \\(Acme CI\\)$`,
        'm',
      ),
    );
    expect(rotated.out).toContain('cannot be shown again');
    rotatedToken = tokenPrinted(rotated.out);
    expect(rotatedToken).toMatch(/^ccd_/);
    expect(rotatedToken).not.toBe(supplierToken);

    const old = await dashboardAs(supplierToken, 'principals', 'list');
    expect(old.code).toBe(2);
    expect(old.err).toContain('DASHBOARD_UNAUTHENTICATED');
    expect(old.err).toContain('HTTP 401');
    expect((await registerSupplierKey(supplierToken, generateKeyPair().publicKeyPem)).status).toBe(401);

    const registered = await registerSupplierKey(rotatedToken, generateKeyPair().publicKeyPem);
    // 202: taken, but a claim until an administrator or certifier approves it.
    expect(registered.status).toBe(202);
    expect(registered.body.state).toBe('pending');
    keyId = registered.body.keyId ?? '';
    expect(keyId).toMatch(/^ed25519:/);
    // Still a supplier: authenticated now, but not an administrator.
    expect((await dashboardAs(rotatedToken, 'principals', 'list')).err).toContain('HTTP 403');
  });

  it('lists the supplier’s pending key for review, and approves it', async () => {
    const reviews = await asAdministrator('reviews');
    expect(reviews.code, reviews.err).toBe(0);
    expect(reviews.out).toContain('Signing keys waiting for approval');
    expect(reviews.out).toMatch(new RegExp(`^${keyId} +supplier +${SUPPLIER_NAME}`, 'm'));

    const approved = await asAdministrator('keys', 'approve', keyId);
    expect(approved.code, approved.err).toBe(0);
    expect(approved.out).toBe(`approved ${keyId} (supplier key of ${SUPPLIER_NAME}): now approved`);

    const after = await asAdministrator('reviews', '--json');
    expect(after.code, after.err).toBe(0);
    const waiting = JSON.parse(after.out) as { keys: { keyId: string }[] };
    expect(waiting.keys.map((key) => key.keyId)).not.toContain(keyId);
  });

  it('revokes the supplier’s key with a reason and a time, which the open revocation list shows', async () => {
    const revoked = await asAdministrator(
      'keys',
      'revoke',
      keyId,
      '--reason',
      'laptop stolen',
      '--at',
      '2025-01-02T03:04:05Z',
    );
    expect(revoked.code, revoked.err).toBe(0);
    expect(revoked.out).toContain(
      `revoked ${keyId} (supplier key of ${SUPPLIER_NAME}) from 2025-01-02T03:04:05.000Z: laptop stolen`,
    );
    expect(revoked.out).toContain('0 reports it signed since then now held');
    const open = (await (await fetch(new URL('data/revoked-keys.json', dashboard.url))).json()) as {
      revocations: { keyId: string; reason: string }[];
    };
    expect(open.revocations).toContainEqual(expect.objectContaining({ keyId, reason: 'laptop stolen' }));
  });

  it('revokes the credential: its token is refused (401) from then on', async () => {
    const list = JSON.parse((await asAdministrator('credentials', 'list', '--json')).out) as {
      credentials: { id: string; principalId: string; revokedAt: string | null }[];
    };
    const live = list.credentials.find((c) => c.principalId === supplierId && c.revokedAt === null);
    expect(live).toBeDefined();
    const revoked = await asAdministrator(
      'credentials',
      'revoke',
      live?.id ?? '',
      '--reason',
      'contract ended',
    );
    expect(revoked.code, revoked.err).toBe(0);
    expect(revoked.out).toMatch(
      new RegExp(`^credential ${live?.id} \\(Acme CI\\) of ${supplierId}: revoked \\S+: contract ended$`),
    );
    const refused = await dashboardAs(rotatedToken, 'principals', 'list');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('HTTP 401');
    expect((await registerSupplierKey(rotatedToken, generateKeyPair().publicKeyPem)).status).toBe(401);
  });
});

describe('conform dashboard: refusals and mistakes', () => {
  it('exits 2 with the dashboard’s reason for a second principal for one organisation (409)', async () => {
    const first = await asAdministrator(
      'principals',
      'add',
      '--kind',
      'supplier',
      '--name',
      'Borough Data Co',
    );
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(
      /^added supplier Borough Data Co: \S+\nnext: conform dashboard credentials issue --principal \S+$/,
    );
    const again = await asAdministrator(
      'principals',
      'add',
      '--kind',
      'supplier',
      '--name',
      'Borough Data Co',
    );
    expect(again.code).toBe(2);
    expect(again.err).toMatch(
      /DASHBOARD_CONFLICT: the dashboard refused to add the supplier "Borough Data Co" \(HTTP 409\): \S/,
    );
  });

  it('adds a council by its GSS code', async () => {
    const council = await asAdministrator(
      'principals',
      'add',
      '--kind',
      'council',
      '--name',
      'Westminster',
      '--council',
      'e09000033',
    );
    expect(council.code, council.err).toBe(0);
    expect(council.out).toMatch(/^added council Westminster \(E09000033\): /);
  });

  // Sent to an address where nothing listens: a check made after asking would fail as unreachable instead.
  it.each([
    {
      mistake: 'a council without its GSS code',
      args: ['principals', 'add', '--kind', 'council', '--name', 'Camden'],
      says: 'COUNCIL_MISSING: --council: a council principal needs its GSS code',
    },
    {
      mistake: 'a code that is no London council’s',
      args: ['principals', 'add', '--kind', 'council', '--name', 'Nowhere', '--council', 'E09000099'],
      says: 'not the GSS code of a London local authority',
    },
    {
      mistake: 'a GSS code for another kind',
      args: ['principals', 'add', '--kind', 'certifier', '--name', 'Assurer', '--council', 'E09000007'],
      says: '--council is for a council principal only, not a certifier',
    },
    {
      mistake: 'an unknown kind',
      args: ['principals', 'add', '--kind', 'reviewer', '--name', 'Someone'],
      says: 'Allowed choices are administrator, certifier, supplier, council',
    },
    {
      mistake: 'a blank name',
      args: ['principals', 'add', '--kind', 'supplier', '--name', '  '],
      says: 'OPTION_BLANK: --name',
    },
    {
      mistake: 'a report id that is not 64 hex digits',
      args: ['reports', 'release', 'not-a-report'],
      says: 'REPORT_ID_INVALID',
    },
    {
      mistake: 'a revocation time that is not ISO 8601',
      args: ['keys', 'revoke', 'ed25519:abc', '--reason', 'leaked', '--at', 'last Tuesday'],
      says: '--at: "last Tuesday" is not an ISO 8601 time',
    },
    {
      mistake: 'a revocation time without a zone',
      args: ['keys', 'revoke', 'ed25519:abc', '--reason', 'leaked', '--at', '2025-03-01T09:30'],
      says: 'TIME_INVALID',
    },
    {
      mistake: 'a blank revocation reason',
      args: ['credentials', 'revoke', 'cred-0a1b2c3d4e5f', '--reason', ''],
      says: 'OPTION_BLANK: --reason',
    },
    {
      mistake: 'a Companies House number that is not one',
      args: ['company-numbers', 'approve', '--supplier-id', 'acme', '--number', '12-34'],
      says: 'COMPANY_NUMBER_INVALID',
    },
  ])('refuses $mistake before asking the dashboard', async ({ args, says }) => {
    const result = await conform(
      'dashboard',
      ...args,
      '--to',
      'http://127.0.0.1:9',
      '--token',
      ADMINISTRATOR_TOKEN,
    );
    expect(result.code).toBe(2);
    expect(result.err).toContain(says);
    expect(result.err).not.toContain('DASHBOARD_UNREACHABLE');
  });

  it('exits 2 with the dashboard’s 404 for a well-formed request about nothing it holds', async () => {
    // A malformed body would be the dashboard's 400: its 404 shows it read what the CLI sent.
    const unknownClaim = await asAdministrator(
      'company-numbers',
      'reject',
      '--supplier-id',
      'nobody-ltd',
      '--number',
      '1234567',
      '--reason',
      'not theirs',
    );
    expect(unknownClaim.code).toBe(2);
    expect(unknownClaim.err).toMatch(
      /DASHBOARD_NOT_FOUND: the dashboard refused to reject nobody-ltd's claim to 01234567 \(HTTP 404\): \S/,
    );
    const unknownReport = await asAdministrator('reports', 'release', 'A'.repeat(64));
    expect(unknownReport.code).toBe(2);
    expect(unknownReport.err).toMatch(/the dashboard refused to release report a{64} \(HTTP 404\): \S/);
  });

  it('exits 2 without an address or a token, naming the variables to set', async () => {
    const saved = { url: process.env.CONFORM_DASHBOARD_URL, token: process.env.CONFORM_DASHBOARD_TOKEN };
    delete process.env.CONFORM_DASHBOARD_URL;
    delete process.env.CONFORM_DASHBOARD_TOKEN;
    try {
      const noAddress = await conform('dashboard', 'principals', 'list', '--token', ADMINISTRATOR_TOKEN);
      expect(noAddress.code).toBe(2);
      expect(noAddress.err).toContain('--to or CONFORM_DASHBOARD_URL');
      const noToken = await conform('dashboard', 'principals', 'list', '--to', dashboard.url);
      expect(noToken.code).toBe(2);
      expect(noToken.err).toContain('--token or CONFORM_DASHBOARD_TOKEN');
      process.env.CONFORM_DASHBOARD_URL = dashboard.url;
      process.env.CONFORM_DASHBOARD_TOKEN = ADMINISTRATOR_TOKEN;
      const fromEnvironment = await conform('dashboard', 'principals', 'list');
      expect(fromEnvironment.code, fromEnvironment.err).toBe(0);
      expect(fromEnvironment.out).toContain('administrator');
    } finally {
      for (const [name, value] of [
        ['CONFORM_DASHBOARD_URL', saved.url],
        ['CONFORM_DASHBOARD_TOKEN', saved.token],
      ] as const)
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
    }
  });

  it('does not follow a redirect, so the token goes only to the address given', async () => {
    const seen: (string | undefined)[] = [];
    const elsewhere = await listen(
      createServer((request, response) => {
        seen.push(request.headers.authorization);
        response.end('{}');
      }),
    );
    const redirecting = await listen(
      createServer((_request, response) => {
        response.writeHead(307, { location: `${elsewhere.url}api/principals` }).end();
      }),
    );
    try {
      const result = await conform(
        'dashboard',
        'principals',
        'list',
        '--to',
        redirecting.url,
        '--token',
        ADMINISTRATOR_TOKEN,
      );
      expect(result.code).toBe(2);
      expect(result.err).toContain('DASHBOARD_UNREACHABLE');
      expect(seen).toEqual([]);
    } finally {
      await redirecting.close();
      await elsewhere.close();
    }
  });

  it('exits 2 when the dashboard cannot be reached', async () => {
    const away = await conform(
      'dashboard',
      'reviews',
      '--to',
      'http://127.0.0.1:9',
      '--token',
      ADMINISTRATOR_TOKEN,
    );
    expect(away.code).toBe(2);
    expect(away.err).toContain('http://127.0.0.1:9 did not answer');
  });
});

async function listen(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
