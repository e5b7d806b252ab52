import { describe, expect, it } from 'vitest';
import {
  generateKeyPair,
  type KeyRevocation,
  parseRevocationList,
  type SignedReport,
  signReport,
  type TrustedKey,
  verifySignedReport,
} from '../src/index.ts';
import { runReport } from './report.ts';
import { thrown } from './support.ts';

const supplierKey = generateKeyPair();
const certifierKey = generateKeyPair();
const strangerKey = generateKeyPair();
const trustedKeys: TrustedKey[] = [
  { publicKeyPem: supplierKey.publicKeyPem, role: 'supplier', name: 'Example Civic' },
  { publicKeyPem: certifierKey.publicKeyPem, role: 'certifier', name: 'Assurer' },
];
const at = (iso: string) => new Date(iso);
const now = at('2026-06-01T00:00:00.000Z');

const supplierSigned = (signedAt: string) =>
  signReport(runReport(), { privateKeyPem: supplierKey.privateKeyPem, role: 'supplier', now: at(signedAt) });

const leaked: KeyRevocation = {
  keyId: supplierKey.keyId,
  owner: 'Example Civic Software Ltd',
  revokedAt: '2026-04-01T12:00:00.000Z',
  reason: 'private key leaked in a CI log',
};

describe('verifySignedReport with revocations', () => {
  it('refuses a signature made at or after its key was revoked, naming the key, owner, time and reason', () => {
    const after = supplierSigned('2026-04-02T09:00:00.000Z');
    expect(verifySignedReport(after, { trustedKeys, now })).toMatchObject({ ok: true });
    const result = verifySignedReport(after, { trustedKeys, now, revocations: [leaked] });
    expect(result).toEqual({
      ok: false,
      reason: 'revoked-key',
      message: `signatures[0] by ${supplierKey.keyId} (owner: Example Civic Software Ltd) is dated 2026-04-02T09:00:00.000Z, at or after the key was revoked at 2026-04-01T12:00:00.000Z (reason: private key leaked in a CI log)`,
    });
    const atTheInstant = supplierSigned(leaked.revokedAt);
    expect(verifySignedReport(atTheInstant, { trustedKeys, now, revocations: [leaked] })).toMatchObject({
      ok: false,
      reason: 'revoked-key',
    });
    // Without an owner in the revocation, the trust list's name for the key is given.
    const { owner: _owner, ...unowned } = leaked;
    const named = verifySignedReport(after, { trustedKeys, now, revocations: [unowned] });
    expect(named.ok ? '' : named.message).toContain('(owner: Example Civic)');
  });

  it('counts a signature made before the revocation, and says its key has been revoked since', () => {
    const before = supplierSigned('2026-03-02T10:00:00.000Z');
    const result = verifySignedReport(before, { trustedKeys, now, revocations: [leaked] });
    expect(result).toMatchObject({
      ok: true,
      status: 'self-assessed',
      validSignatures: [{ keyId: supplierKey.keyId, role: 'supplier' }],
      revokedSignatures: [
        {
          keyId: supplierKey.keyId,
          revokedAt: '2026-04-01T12:00:00.000Z',
          reason: 'private key leaked in a CI log',
        },
      ],
    });
    expect(result.ok && result.revokedSignatures[0]).toEqual({
      keyId: supplierKey.keyId,
      revokedAt: leaked.revokedAt,
      reason: leaked.reason,
    });
    // A certifier's countersignature is judged on its own key: the certificate stays certified.
    const countersigned = signReport(before, {
      privateKeyPem: certifierKey.privateKeyPem,
      role: 'certifier',
      now: at('2026-05-01T00:00:00.000Z'),
    });
    expect(verifySignedReport(countersigned, { trustedKeys, now, revocations: [leaked] })).toMatchObject({
      ok: true,
      status: 'certified',
      revokedSignatures: [{ keyId: supplierKey.keyId }],
    });
  });

  it('cannot be escaped by backdating signedAt in the file: the signature covers it', () => {
    const after = structuredClone(supplierSigned('2026-04-02T09:00:00.000Z')) as {
      -readonly [K in keyof SignedReport]: SignedReport[K];
    } & { signatures: { signedAt: string }[] };
    after.signatures[0]!.signedAt = '2026-03-01T00:00:00.000Z';
    expect(verifySignedReport(after, { trustedKeys, now, revocations: [leaked] })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('takes the earlier of two revocations of one key, and ignores revocations of keys it does not trust', () => {
    const between = supplierSigned('2026-03-15T00:00:00.000Z');
    const later: KeyRevocation = { ...leaked, revokedAt: '2026-05-01T00:00:00.000Z', reason: 'rotated' };
    const earlier: KeyRevocation = {
      ...leaked,
      revokedAt: '2026-03-10T00:00:00.000Z',
      reason: 'stolen laptop',
    };
    const result = verifySignedReport(between, { trustedKeys, now, revocations: [later, earlier] });
    expect(result).toMatchObject({ ok: false, reason: 'revoked-key' });
    expect(result.ok ? '' : result.message).toContain('(reason: stolen laptop)');
    const stranger: KeyRevocation = { ...leaked, keyId: strangerKey.keyId };
    expect(verifySignedReport(between, { trustedKeys, now, revocations: [stranger] })).toMatchObject({
      ok: true,
      revokedSignatures: [],
    });
  });

  it('throws invalid-options for a revocation that is not well formed, naming its path', () => {
    const signed = supplierSigned('2026-03-02T10:00:00.000Z');
    const error = thrown(() =>
      verifySignedReport(signed, {
        trustedKeys,
        now,
        revocations: [leaked, { ...leaked, keyId: 'rsa:1', revokedAt: 'yesterday', reason: ' ' }],
      }),
    );
    expect(error.reason).toBe('invalid-options');
    expect(error.message).toBe(
      'revocations[1].keyId must be "ed25519:" and 32 lowercase hex digits; revocations[1].revokedAt must be an ISO 8601 UTC date-time (YYYY-MM-DDTHH:MM:SS.sssZ); revocations[1].reason must be a non-empty string',
    );
  });
});

describe('parseRevocationList', () => {
  const list = {
    revocations: [
      leaked,
      { keyId: certifierKey.keyId, revokedAt: '2026-05-01T00:00:00Z', reason: 'certifier left the scheme' },
    ],
  };

  it('reads the open-data list the dashboard publishes, owner optional, and verification takes it', () => {
    const revocations = parseRevocationList(JSON.stringify(list));
    expect(revocations).toEqual(list.revocations);
    expect(parseRevocationList('{"revocations":[]}')).toEqual([]);
    const after = supplierSigned('2026-04-02T09:00:00.000Z');
    expect(verifySignedReport(after, { trustedKeys, now, revocations })).toMatchObject({
      ok: false,
      reason: 'revoked-key',
    });
  });

  it('refuses a list not in the format with CERTIFICATE_INVALID_REVOCATION_LIST, naming every problem', () => {
    const cases: [string, string][] = [
      ['not json', 'revocation list: not JSON (unexpected "n" at line 1 column 1)'],
      ['[]', 'revocation list: must be an object {"revocations": [...]} with an array of key revocations'],
      [
        '{"revoked":[]}',
        'revocation list: must be an object {"revocations": [...]} with an array of key revocations',
      ],
      [
        '{"revocations":[],"revocations":[]}',
        'revocation list: duplicate key "revocations" at $: readers disagree on which value counts',
      ],
      [
        '{"revocations":[],"updatedAt":"2026-01-01"}',
        'revocation list: $.updatedAt is not part of the revocation list format',
      ],
      [
        JSON.stringify({
          revocations: [{ keyId: leaked.keyId, revokedAt: '2026-04-01', reason: 'x', note: 1 }],
        }),
        'revocation list: revocations[0].revokedAt must be an ISO 8601 UTC date-time (YYYY-MM-DDTHH:MM:SS.sssZ); revocations[0].note is not part of a key revocation',
      ],
      [
        JSON.stringify({
          revocations: [{ keyId: leaked.keyId, revokedAt: leaked.revokedAt, reason: 'x', owner: '' }, 7],
        }),
        'revocation list: revocations[0].owner, when given, must be a non-empty string; revocations[1] must be an object',
      ],
    ];
    const broken = JSON.stringify({ revocations: Array.from({ length: 50 }, () => ({ reason: 'x' })) });
    cases.push([
      broken,
      `revocation list: ${Array.from({ length: 5 }, (_, index) => [
        `revocations[${index}].keyId must be "ed25519:" and 32 lowercase hex digits`,
        `revocations[${index}].revokedAt must be an ISO 8601 UTC date-time (YYYY-MM-DDTHH:MM:SS.sssZ)`,
      ])
        .flat()
        .join('; ')}; and 90 more problems`,
    ]);
    for (const [text, message] of cases) {
      const error = thrown(() => parseRevocationList(text));
      expect(error.code, text).toBe('CERTIFICATE_INVALID_REVOCATION_LIST');
      expect(error.message, text).toBe(message);
    }
  });
});
