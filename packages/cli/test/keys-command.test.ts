import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyIdOf } from '@council-conform/certificates';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readRevocationList } from '../src/commands/revocation-list.ts';
import { runCli } from '../src/index.ts';
import { capture, mockRunArgs, serveCertifiableMock } from './support.ts';

const KEY_ID = /ed25519:[0-9a-f]{32}/;
const STACK_LINE = /\n\s+at .+:\d+:\d+/;

let dir: string;
let report: string;
let closeMock: () => Promise<void>;

/** Runs the CLI and keeps its output, with the exit code beside it. */
async function conform(...args: string[]) {
  const io = capture();
  const code = await runCli(args, io);
  return { code, out: io.stdout(), err: io.stderr(), all: `${io.stdout()}\n${io.stderr()}` };
}

// A real report, from a real `conform run` against the conformant mock with the example attestation.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conform-keys-'));
  // Certifiable, so that a certifier may countersign it: https, a second tenant and the round trip.
  const served = await serveCertifiableMock(dir);
  closeMock = () => served.close();
  report = join(dir, 'report.json');
  const run = await conform(...mockRunArgs(served.supplier, served.url, report), ...served.certifiableArgs);
  expect(run.code, run.err).toBe(0);
}, BUDGET.realRun);

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  await closeMock?.();
  await rm(dir, { recursive: true, force: true });
});

describe('conform keys generate', () => {
  it('writes a private key only its owner can read and a public key, and prints the key id', async () => {
    const keys = join(dir, 'generated');
    const made = await conform('keys', 'generate', '--out', keys, '--name', 'acme');
    expect(made.code, made.err).toBe(0);
    expect(made.out).toMatch(new RegExp(`^Key ${KEY_ID.source}$`, 'm'));
    expect((await stat(join(keys, 'acme.key'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(keys, 'acme.key'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(await readFile(join(keys, 'acme.pub'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('refuses to replace an existing key unless --force, and refuses a name that is a path', async () => {
    const keys = join(dir, 'twice');
    expect((await conform('keys', 'generate', '--out', keys)).code).toBe(0);
    const before = await readFile(join(keys, 'conform.key'), 'utf8');
    const again = await conform('keys', 'generate', '--out', keys);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(
      /KEY_EXISTS: .*conform\.key exists; refusing to replace a private key.*--force/,
    );
    expect(await readFile(join(keys, 'conform.key'), 'utf8')).toBe(before);
    expect((await conform('keys', 'generate', '--out', keys, '--force')).code).toBe(0);
    expect(await readFile(join(keys, 'conform.key'), 'utf8')).not.toBe(before);
    const pathName = await conform('keys', 'generate', '--out', keys, '--name', '../elsewhere');
    expect(pathName.code).toBe(2);
    expect(pathName.err).toContain('KEY_NAME_INVALID');
  });
});

describe('conform sign and conform verify', { timeout: BUDGET.unit }, () => {
  const keys = () => join(dir, 'keys');
  const key = (name: string, kind: 'key' | 'pub') => join(keys(), `${name}.${kind}`);
  beforeAll(async () => {
    for (const name of ['supplier', 'certifier', 'stranger'])
      expect((await conform('keys', 'generate', '--out', keys(), '--name', name)).code).toBe(0);
  });

  it('signs a real run report; a council verifies it, self-assessed, then certified once countersigned', async () => {
    const signed = await conform('sign', report, '--key', key('supplier', 'key'));
    expect(signed.code, signed.err).toBe(0);
    const signedPath = join(dir, 'report.signed.json');
    expect(signed.out).toContain(`Wrote ${signedPath}`);
    expect(signed.out).toMatch(/Signed as supplier with ed25519:/);

    const self = await conform('verify', signedPath, '--public-key', key('supplier', 'pub'));
    expect(self.code, self.all).toBe(0);
    expect(self.out).toMatch(/^VALID: self-assessed$/m);
    expect(self.out).toMatch(/Supplier: +Example Civic Software Ltd/);
    expect(self.out).toMatch(/Product: +\S/);
    expect(self.out).toMatch(/Profile: +street-reports \d+\.\d+\.\d+/);
    expect(self.out).toMatch(/Level: +(gold|silver|bronze|none)/);
    expect(self.out).toMatch(/Expires: +\d{4}-\d{2}-\d{2}T/);
    expect(self.out).toMatch(new RegExp(`Signed by: ${KEY_ID.source} \\(supplier, supplier\\)`));

    const countersigned = await conform(
      'sign',
      signedPath,
      '--key',
      key('certifier', 'key'),
      '--role',
      'certifier',
    );
    expect(countersigned.code, countersigned.err).toBe(0);
    expect(countersigned.out).toContain('(signature 2 of 2)');
    const certified = await conform(
      'verify',
      signedPath,
      '--public-key',
      key('supplier', 'pub'),
      '--certifier-key',
      key('certifier', 'pub'),
    );
    expect(certified.code, certified.all).toBe(0);
    expect(certified.out).toMatch(/^VALID: certified$/m);
    expect(certified.out).toMatch(/\(certifier, certifier\)/);
    expect(certified.out).not.toContain('not checked');
    // Trusting only the supplier, the certifier's signature is named but counts for nothing.
    const supplierOnly = await conform('verify', signedPath, '--public-key', key('supplier', 'pub'));
    expect(supplierOnly.out).toMatch(/^VALID: self-assessed$/m);
    expect(supplierOnly.out).toMatch(
      new RegExp(
        `Also signed by ${KEY_ID.source} \\(claims certifier\\), a key you do not trust: not checked`,
      ),
    );
  });

  it('exits 1 as tampered when one character of the report is changed', async () => {
    const out = join(dir, 'tamper.signed.json');
    expect((await conform('sign', report, '--key', key('supplier', 'key'), '--out', out)).code).toBe(0);
    const text = await readFile(out, 'utf8');
    const trust = ['--public-key', key('supplier', 'pub')];
    expect((await conform('verify', out, ...trust)).code).toBe(0);
    // One digit of the report's request count, inside the signed file.
    const flipped = text.replace(
      /("requests": \d*)(\d)/,
      (_, head: string, digit: string) => head + ((Number(digit) + 1) % 10),
    );
    expect(flipped).not.toBe(text);
    await writeFile(out, flipped);
    const verdict = await conform('verify', out, ...trust);
    expect(verdict.code).toBe(1);
    expect(verdict.out).toMatch(
      /^NOT VALID \(tampered\): the report does not match certificate\.reportSha256/,
    );
  });

  it('exits 1 as unknown-key when no trusted key signed it', async () => {
    const out = join(dir, 'stranger.signed.json');
    expect((await conform('sign', report, '--key', key('stranger', 'key'), '--out', out)).code).toBe(0);
    expect((await conform('verify', out, '--public-key', key('stranger', 'pub'))).code).toBe(0);
    const verdict = await conform('verify', out, '--public-key', key('supplier', 'pub'));
    expect(verdict.code).toBe(1);
    expect(verdict.out).toMatch(/^NOT VALID \(unknown-key\): no signature is by a trusted key/);
  });

  it('exits 1 as expired once the certificate has run out', async () => {
    const out = join(dir, 'expired.signed.json');
    // Only Date is faked: the file system's own timers must keep running.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(Date.now() - 3 * 24 * 60 * 60 * 1000));
    const signed = await conform(
      'sign',
      report,
      '--key',
      key('supplier', 'key'),
      '--expires-in',
      '2',
      '--out',
      out,
    );
    vi.useRealTimers();
    expect(signed.code, signed.err).toBe(0);
    const verdict = await conform('verify', out, '--public-key', key('supplier', 'pub'));
    expect(verdict.code).toBe(1);
    expect(verdict.out).toMatch(/^NOT VALID \(expired\): the certificate expired at \d{4}-/);
    // The same signing a day less in the past is still valid, and due for recertification.
    const fresh = join(dir, 'fresh.signed.json');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(Date.now() - 1 * 24 * 60 * 60 * 1000));
    await conform('sign', report, '--key', key('supplier', 'key'), '--expires-in', '2', '--out', fresh);
    vi.useRealTimers();
    const valid = await conform('verify', fresh, '--public-key', key('supplier', 'pub'));
    expect(valid.code, valid.all).toBe(0);
    expect(valid.out).toContain('(due for recertification: within 30 days)');
  });

  it('says clearly, without a stack trace, when a file is not JSON', async () => {
    const notJson = join(dir, 'notes.txt');
    await writeFile(notJson, 'Signed by our CTO, honest.\n');
    const verdict = await conform('verify', notJson, '--public-key', key('supplier', 'pub'));
    expect(verdict.code).toBe(1);
    expect(verdict.out).toMatch(/^NOT VALID \(malformed\): not a signed report: not JSON/);
    expect(verdict.all).not.toMatch(STACK_LINE);
    const signing = await conform('sign', notJson, '--key', key('supplier', 'key'));
    expect(signing.code).toBe(2);
    expect(signing.err).toMatch(/^conform: REPORT_INVALID: .*notes\.txt is not JSON/);
    expect(signing.all).not.toMatch(STACK_LINE);
  });

  it('exits 2 for usage errors: no trusted key, a missing file, a key of the wrong kind, a bad role', async () => {
    const signedPath = join(dir, 'usage.signed.json');
    expect((await conform('sign', report, '--key', key('supplier', 'key'), '--out', signedPath)).code).toBe(
      0,
    );
    const cases: [string[], RegExp][] = [
      [['verify', signedPath], /NO_TRUSTED_KEYS/],
      [
        ['verify', join(dir, 'absent.json'), '--public-key', key('supplier', 'pub')],
        /REPORT_UNREADABLE: .*absent\.json/,
      ],
      [
        ['verify', signedPath, '--public-key', key('supplier', 'key')],
        /CERTIFICATE_INVALID_KEY: .*this is a private key/,
      ],
      [['sign', report, '--key', key('supplier', 'pub')], /CERTIFICATE_INVALID_KEY: not a PEM private key/],
      [
        ['sign', report, '--key', key('supplier', 'key'), '--role', 'auditor'],
        /argument 'auditor' is invalid/,
      ],
      [['sign', report, '--key', key('supplier', 'key'), '--expires-in', '0'], /EXPIRES_IN_INVALID/],
      [
        ['sign', report, '--key', key('supplier', 'key'), '--supplier', 'Other Ltd'],
        /differs from the report's attestation/,
      ],
      [['sign', report], /required option '--key <file>' not specified/],
    ];
    for (const [args, message] of cases) {
      const result = await conform(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err, args.join(' ')).toMatch(message);
      expect(result.all).not.toMatch(STACK_LINE);
    }
  });
});

describe('files conform writes are never written through a link planted at their path', () => {
  /** A file someone else cares about, and a link to it at `path`. */
  async function plantLink(path: string): Promise<string> {
    const victim = `${path}.victim`;
    await writeFile(victim, 'precious\n');
    await symlink(victim, path);
    return victim;
  }

  it('sign --out and sign’s default output refuse a symbolic link, exit 2, the file it points to unchanged', async () => {
    const keys = join(dir, 'link-keys');
    expect((await conform('keys', 'generate', '--out', keys)).code).toBe(0);
    const out = join(dir, 'linked.signed.json');
    const victim = await plantLink(out);
    const signed = await conform('sign', report, '--key', join(keys, 'conform.key'), '--out', out);
    expect(signed.code).toBe(2);
    expect(signed.err).toBe(
      `conform: OUTPUT_IS_LINK: ${out} is a symbolic link; refusing to write through it, since it could point at any file. Remove the link or choose another path`,
    );
    expect(await readFile(victim, 'utf8')).toBe('precious\n');
    // Without --out the signed report goes beside the report: a link there is refused the same way.
    const copy = join(dir, 'beside', 'report.json');
    await rm(join(dir, 'beside'), { recursive: true, force: true });
    await conform('keys', 'generate', '--out', join(dir, 'beside'), '--name', 'unused');
    await writeFile(copy, await readFile(report));
    const besideVictim = await plantLink(join(dir, 'beside', 'report.signed.json'));
    const beside = await conform('sign', copy, '--key', join(keys, 'conform.key'));
    expect(beside.code).toBe(2);
    expect(beside.err).toContain('OUTPUT_IS_LINK');
    expect(await readFile(besideVictim, 'utf8')).toBe('precious\n');
  });

  it('keys generate refuses a link at the private key’s path, saying so', async () => {
    const keys = join(dir, 'linked-keys');
    expect((await conform('keys', 'generate', '--out', keys, '--name', 'first')).code).toBe(0);
    const victim = await plantLink(join(keys, 'acme.key'));
    const made = await conform('keys', 'generate', '--out', keys, '--name', 'acme');
    expect(made.code).toBe(2);
    expect(made.err).toContain(`OUTPUT_IS_LINK: ${join(keys, 'acme.key')} is a symbolic link`);
    expect(await readFile(victim, 'utf8')).toBe('precious\n');
  });
});

describe('conform verify --revocations', { timeout: BUDGET.unit }, () => {
  const keys = () => join(dir, 'revocation-keys');
  let signedPath: string;
  let keyId: string;
  let server: Server;
  let base: string;
  const served = new Map<string, string>();

  const list = (revokedAt: Date, reason = 'private key leaked in a CI log') =>
    JSON.stringify({
      revocations: [
        { keyId, owner: 'Example Civic Software Ltd', revokedAt: revokedAt.toISOString(), reason },
      ],
    });
  const HOUR = 60 * 60 * 1000;

  beforeAll(async () => {
    expect((await conform('keys', 'generate', '--out', keys(), '--name', 'supplier')).code).toBe(0);
    keyId = keyIdOf(await readFile(join(keys(), 'supplier.pub'), 'utf8'));
    signedPath = join(dir, 'revocations.signed.json');
    const signed = await conform('sign', report, '--key', join(keys(), 'supplier.key'), '--out', signedPath);
    expect(signed.code, signed.err).toBe(0);
    server = createServer((request, response) => {
      if (request.url === '/hang') return; // never answers: the client's time limit must end it
      if (request.url === '/huge') {
        // No content-length: only counting what arrives can stop it.
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(`{"revocations":[${'{},'.repeat(2_000_000)}{}]}`);
        return;
      }
      const body = served.get(request.url ?? '');
      response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      response.end(body ?? '{"title":"not found"}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  const verify = (revocations: string) =>
    conform('verify', signedPath, '--public-key', join(keys(), 'supplier.pub'), '--revocations', revocations);

  it('refuses, exit 1, a report signed after its key was revoked, from a file or the dashboard’s URL', async () => {
    const file = join(dir, 'revoked-keys.json');
    await writeFile(file, list(new Date(Date.now() - HOUR)));
    served.set('/data/revoked-keys.json', list(new Date(Date.now() - HOUR)));
    for (const source of [file, `${base}/data/revoked-keys.json`]) {
      const verdict = await verify(source);
      expect(verdict.code, verdict.all).toBe(1);
      expect(verdict.out).toMatch(
        new RegExp(
          `^NOT VALID \\(revoked-key\\): signatures\\[0\\] by ${keyId} \\(owner: Example Civic Software Ltd\\) is dated \\S+, at or after the key was revoked at \\S+ \\(reason: private key leaked in a CI log\\)$`,
        ),
      );
    }
    // Without the list the same file is valid: the revocation is what refused it.
    expect((await conform('verify', signedPath, '--public-key', join(keys(), 'supplier.pub'))).code).toBe(0);
  });

  it('counts a signature made before the revocation, and says the key has been revoked since', async () => {
    served.set('/later.json', list(new Date(Date.now() + HOUR), 'rotated'));
    const verdict = await verify(`${base}/later.json`);
    expect(verdict.code, verdict.all).toBe(0);
    expect(verdict.out).toMatch(/^VALID: self-assessed$/m);
    expect(verdict.out).toMatch(
      new RegExp(
        `^  Note: signed with a key since revoked: ${keyId} was revoked at \\S+ \\(reason: rotated\\); this signature is dated before that, so it still counts$`,
        'm',
      ),
    );
  });

  it('exits 2, naming the source, for a list it cannot get or that is not in the format', async () => {
    served.set('/bad.json', '{"revocations":[{"keyId":"rsa:1","revokedAt":"soon","reason":"x"}]}');
    const cases: [string, RegExp][] = [
      [
        join(dir, 'absent-revocations.json'),
        /^conform: REVOCATIONS_UNREADABLE: --revocations \S*absent-revocations\.json: cannot be read: ENOENT/,
      ],
      [
        `${base}/missing.json`,
        /REVOCATIONS_UNREADABLE: --revocations \S+\/missing\.json: the server answered HTTP 404/,
      ],
      [
        `${base}/bad.json`,
        /CERTIFICATE_INVALID_REVOCATION_LIST: --revocations \S+\/bad\.json: revocation list: revocations\[0\]\.keyId must be "ed25519:"/,
      ],
      [`${base}/huge`, /REVOCATIONS_UNREADABLE: .*the list is larger than 5242880 bytes/],
      ['ftp://example.org/revoked.json', /only an http\(s\) URL or a file path is read, not a ftp: URL/],
    ];
    for (const [source, message] of cases) {
      const verdict = await verify(source);
      expect(verdict.code, source).toBe(2);
      expect(verdict.err, source).toMatch(message);
      expect(verdict.all).not.toMatch(STACK_LINE);
    }
  });

  it('gives up on a server that does not answer within its time limit', async () => {
    let error: unknown;
    try {
      await readRevocationList(`${base}/hang`, dir, { timeoutMs: 200 });
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).toBe(`--revocations ${base}/hang: no answer within 200 ms`);
  });
});
