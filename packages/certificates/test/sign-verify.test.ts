import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  generateKeyPair,
  isDueForRecertification,
  keyIdOf,
  parseSignedReport,
  type SignedReport,
  signReport,
  type TrustedKey,
  type VerificationFailure,
  verifySignedReport,
} from '../src/index.ts';
import { runReport } from './report.ts';
import { thrown } from './support.ts';

const supplierKey = generateKeyPair();
const certifierKey = generateKeyPair();
const strangerKey = generateKeyPair();
const issued = new Date('2026-03-02T10:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const later = (days: number) => new Date(issued.getTime() + days * DAY);

const trustSupplier: TrustedKey = {
  publicKeyPem: supplierKey.publicKeyPem,
  role: 'supplier',
  name: 'Example Civic',
};
const trustCertifier: TrustedKey = {
  publicKeyPem: certifierKey.publicKeyPem,
  role: 'certifier',
  name: 'Assurer',
};

const supplierSigned = () =>
  signReport(runReport(), { privateKeyPem: supplierKey.privateKeyPem, role: 'supplier', now: issued });

// biome-ignore lint/suspicious/noExplicitAny: a seeded fault edits the parsed file anywhere, as anyone holding it could.
type Editable = Record<string, any>;

/** Deep copy through JSON, as a verifier receiving the file would hold it, and free to be edited. */
const copy = (signed: SignedReport): Editable => JSON.parse(JSON.stringify(signed));

describe('signReport and verifySignedReport', () => {
  it('signs a run report and verifies it offline as self-assessed, with the certificate taken from the report', () => {
    const signed = supplierSigned();
    expect(signed.signedReportVersion).toBe('1.0.0');
    expect(signed.report).toEqual(runReport());
    expect(signed.certificate).toEqual({
      supplier: 'Example Civic Software Ltd',
      product: 'Example Street Reports 4.2',
      profile: 'street-reports',
      specVersion: '1.0.0',
      level: 'silver',
      issuedAt: '2026-03-02T10:00:00.000Z',
      expiresAt: '2027-03-02T10:00:00.000Z',
      reportSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(signed.signatures).toEqual([
      {
        algorithm: 'Ed25519',
        keyId: supplierKey.keyId,
        role: 'supplier',
        signedAt: '2026-03-02T10:00:00.000Z',
        signature: expect.stringMatching(/^[A-Za-z0-9_-]{86}$/),
      },
    ]);
    const result = verifySignedReport(signed, { trustedKeys: [trustSupplier], now: later(10) });
    expect(result).toEqual({
      ok: true,
      status: 'self-assessed',
      signedReport: signed,
      validSignatures: [{ keyId: supplierKey.keyId, role: 'supplier', name: 'Example Civic' }],
      expiresAt: '2027-03-02T10:00:00.000Z',
      dueForRecertification: false,
      revokedSignatures: [],
    });
  });

  it('follows the published format, so anyone with node:crypto and a JCS library can check it alone', () => {
    const signed = supplierSigned();
    const spki = createPublicKey(supplierKey.publicKeyPem).export({ type: 'spki', format: 'der' });
    // An Ed25519 SPKI is a fixed 12-byte header and the raw 32-byte key.
    const raw = spki.subarray(spki.length - 32);
    expect(supplierKey.keyId).toBe(`ed25519:${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`);
    expect(keyIdOf(supplierKey.publicKeyPem)).toBe(supplierKey.keyId);
    expect(signed.certificate.reportSha256).toBe(
      createHash('sha256').update(canonicalJson(signed.report), 'utf8').digest('hex'),
    );
    const [signature] = signed.signatures;
    const payload = canonicalJson({
      signedReportVersion: '1.0.0',
      report: signed.report,
      certificate: signed.certificate,
      signer: { keyId: signature!.keyId, role: signature!.role, signedAt: signature!.signedAt },
    });
    const publicKey = createPublicKey(supplierKey.publicKeyPem);
    const bytes = Buffer.from(signature!.signature, 'base64url');
    expect(verify(null, Buffer.from(payload, 'utf8'), publicKey, bytes)).toBe(true);
    // The signer's details are inside what is signed: the same bytes without them do not verify.
    const { signer: _signer, ...envelope } = JSON.parse(payload) as Record<string, unknown>;
    expect(verify(null, Buffer.from(canonicalJson(envelope), 'utf8'), publicKey, bytes)).toBe(false);
  });

  it('verifies the file however it is spaced or its keys ordered, from text or from a parsed value', () => {
    const signed = supplierSigned();
    const reorder = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reorder)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reorder(v)]),
            )
          : value;
    const text = JSON.stringify(reorder(signed), null, 4);
    expect(text.indexOf('"signatures"')).toBeLessThan(text.indexOf('"signedReportVersion"'));
    const options = { trustedKeys: [trustSupplier], now: later(1) };
    expect(verifySignedReport(text, options)).toMatchObject({ ok: true, status: 'self-assessed' });
    expect(verifySignedReport(parseSignedReport(text), options)).toMatchObject({ ok: true });
  });

  it('signs and verifies a report of format 2.2.0 with its data quality figures, which the signature covers', () => {
    const report = runReport({
      reportVersion: '2.2.0',
      dataQuality: {
        datasets: [
          {
            dataset: 'service_requests',
            title: 'Service requests',
            recordsRead: 240,
            identifiers: [{ kind: 'uprn', field: 'uprn', present: 200, valid: 198 }],
            dates: { values: 480, parsed: 480 },
            filled: { values: 3120, filled: 2900 },
          },
        ],
      },
    });
    const signed = signReport(report, {
      privateKeyPem: supplierKey.privateKeyPem,
      role: 'supplier',
      now: issued,
    });
    const options = { trustedKeys: [trustSupplier], now: later(1) };
    expect(verifySignedReport(JSON.stringify(signed), options)).toMatchObject({
      ok: true,
      status: 'self-assessed',
    });
    const edited = copy(signed);
    edited.report.dataQuality.datasets[0].identifiers[0].valid = 200;
    expect(verifySignedReport(edited, options)).toMatchObject({ ok: false });
  });

  it('gives `certified` when a trusted certifier countersigns a supplier-signed report', () => {
    const countersigned = signReport(supplierSigned(), {
      privateKeyPem: certifierKey.privateKeyPem,
      role: 'certifier',
      now: later(3),
    });
    expect(countersigned.certificate).toEqual(supplierSigned().certificate);
    expect(countersigned.signatures.map((s) => [s.keyId, s.role])).toEqual([
      [supplierKey.keyId, 'supplier'],
      [certifierKey.keyId, 'certifier'],
    ]);
    const both = verifySignedReport(countersigned, {
      trustedKeys: [trustSupplier, trustCertifier],
      now: later(4),
    });
    expect(both).toMatchObject({
      ok: true,
      status: 'certified',
      validSignatures: [
        { keyId: supplierKey.keyId, role: 'supplier' },
        { keyId: certifierKey.keyId, role: 'certifier', name: 'Assurer' },
      ],
    });
    // Without the certifier on the trust list, the same file is only the supplier's word.
    expect(verifySignedReport(countersigned, { trustedKeys: [trustSupplier], now: later(4) })).toMatchObject({
      ok: true,
      status: 'self-assessed',
    });
    expect(verifySignedReport(countersigned, { trustedKeys: [trustCertifier], now: later(4) })).toMatchObject(
      {
        ok: true,
        status: 'certified',
      },
    );
  });

  it('takes the role from the trust list, never from what the signature claims', () => {
    const claimsCertifier = signReport(runReport(), {
      privateKeyPem: supplierKey.privateKeyPem,
      role: 'certifier',
      now: issued,
    });
    expect(
      verifySignedReport(claimsCertifier, { trustedKeys: [trustSupplier], now: later(1) }),
    ).toMatchObject({
      ok: true,
      status: 'self-assessed',
      validSignatures: [{ keyId: supplierKey.keyId, role: 'supplier' }],
    });
    expect(
      verifySignedReport(claimsCertifier, {
        trustedKeys: [{ publicKeyPem: supplierKey.publicKeyPem, role: 'certifier' }],
        now: later(1),
      }),
    ).toMatchObject({ ok: true, status: 'certified' });
  });

  it('flags a certificate for recertification within 30 days of expiry', () => {
    const signed = supplierSigned();
    const at = (days: number) =>
      verifySignedReport(signed, { trustedKeys: [trustSupplier], now: later(days) });
    expect(at(365 - 31)).toMatchObject({ ok: true, dueForRecertification: false });
    expect(at(365 - 30)).toMatchObject({ ok: true, dueForRecertification: true });
    expect(at(365)).toMatchObject({ ok: true, dueForRecertification: true });
    expect(at(365.001)).toMatchObject({ ok: false, reason: 'expired' });
  });
});

describe('every failure, from a real seeded fault, against the same report passing without it', () => {
  const trustedKeys = [trustSupplier, trustCertifier];
  const now = later(30);
  const cases: {
    name: string;
    reason: VerificationFailure;
    message: RegExp;
    fault: (signed: Editable) => unknown;
  }[] = [
    {
      name: 'a check status edited in the report',
      reason: 'tampered',
      message: /reportSha256.*changed after the certificate was issued/,
      fault: (signed) => {
        signed.report.checks[1].status = 'fail';
        return signed;
      },
    },
    {
      name: 'the certificate level raised, the report left alone',
      reason: 'tampered',
      message: /certificate\.level is "gold" but the report says "silver"/,
      fault: (signed) => {
        signed.certificate.level = 'gold';
        return signed;
      },
    },
    {
      name: 'the supplier renamed in the certificate',
      reason: 'tampered',
      message: /certificate\.supplier is "Someone Else Ltd"/,
      fault: (signed) => {
        signed.certificate.supplier = 'Someone Else Ltd';
        return signed;
      },
    },
    {
      name: 'the role in a signature swapped',
      reason: 'bad-signature',
      message: /signatures\[0\] by ed25519:[0-9a-f]{32} \(Example Civic\) does not verify/,
      fault: (signed) => {
        signed.signatures[0].role = 'certifier';
        return signed;
      },
    },
    {
      name: 'the expiry pushed back a year',
      reason: 'bad-signature',
      message: /does not verify/,
      fault: (signed) => {
        signed.certificate.expiresAt = '2028-03-02T10:00:00.000Z';
        return signed;
      },
    },
    {
      name: 'the signature bytes damaged',
      reason: 'bad-signature',
      message: /does not verify/,
      fault: (signed) => {
        const bytes = Buffer.from(signed.signatures[0].signature, 'base64url');
        bytes[10] = (bytes[10] ?? 0) ^ 1;
        signed.signatures[0].signature = bytes.toString('base64url');
        return signed;
      },
    },
    {
      name: 'the report re-signed with an untrusted key',
      reason: 'unknown-key',
      message: /no signature is by a trusted key \(signed by ed25519:[0-9a-f]{32}; trusted: ed25519:/,
      fault: (signed) =>
        signReport(signed.report, {
          privateKeyPem: strangerKey.privateKeyPem,
          role: 'certifier',
          now: issued,
        }),
    },
    {
      name: 'the certificate past its expiry',
      reason: 'expired',
      message: /expired at 2026-03-03T10:00:00\.000Z/,
      fault: (signed) =>
        signReport(signed.report, {
          privateKeyPem: supplierKey.privateKeyPem,
          role: 'supplier',
          now: issued,
          expiresInDays: 1,
        }),
    },
    {
      name: 'a version this verifier does not know',
      reason: 'unsupported-version',
      message: /signedReportVersion "2\.0\.0" is not supported/,
      fault: (signed) => {
        signed.signedReportVersion = '2.0.0';
        return signed;
      },
    },
    {
      name: 'a certificate field missing',
      reason: 'malformed',
      message: /certificate\.product must be a non-empty string/,
      fault: (signed) => {
        delete signed.certificate.product;
        return signed;
      },
    },
    {
      name: 'a report field missing',
      reason: 'malformed',
      message: /report\.profile\.version must be a non-empty string/,
      fault: (signed) => {
        delete signed.report.profile.version;
        return signed;
      },
    },
    {
      name: 'no signatures',
      reason: 'malformed',
      message: /signatures must be a non-empty array/,
      fault: (signed) => {
        signed.signatures = [];
        return signed;
      },
    },
    {
      name: 'an unsigned field added beside the certificate',
      reason: 'malformed',
      message: /\$\.approvedBy is not part of signed report version 1\.0\.0/,
      fault: (signed) => {
        signed.approvedBy = 'the council';
        return signed;
      },
    },
    {
      name: 'the unsigned run report itself',
      reason: 'malformed',
      message: /this is an unsigned run report/,
      fault: (signed) => signed.report,
    },
  ];

  for (const { name, reason, message, fault } of cases)
    it(`${reason}: ${name}`, () => {
      const signed = supplierSigned();
      expect(verifySignedReport(copy(signed), { trustedKeys, now })).toMatchObject({ ok: true });
      const result = verifySignedReport(fault(copy(signed)), { trustedKeys, now });
      expect(result).toMatchObject({ ok: false, reason });
      expect(result.ok ? '' : result.message).toMatch(message);
    });

  it('malformed names every broken field by its path', () => {
    const signed = copy(supplierSigned());
    signed.signatures[0].keyId = 'rsa:123';
    signed.certificate.issuedAt = '2026-02-30T10:00:00Z';
    const result = verifySignedReport(signed, { trustedKeys, now });
    expect(result).toMatchObject({ ok: false, reason: 'malformed' });
    expect(result.ok ? '' : result.message).toMatch(
      /certificate\.issuedAt must be an ISO 8601 UTC date-time/,
    );
    expect(result.ok ? '' : result.message).toMatch(/signatures\[0\]\.keyId must be "ed25519:"/);
  });
});

describe('a certificate needs a certifiable run', () => {
  const unjudged = () =>
    runReport({
      certifiable: false,
      levelProvisional: true,
      certifiableReasons: ['must check secure-tls-version was not judged: give the API’s https address'],
    });

  it('refuses to sign a run that is not certifiable as a certifier, and lets its supplier sign it', () => {
    const error = thrown(() =>
      signReport(unjudged(), { privateKeyPem: certifierKey.privateKeyPem, role: 'certifier', now: issued }),
    );
    expect(error.code).toBe('CERTIFICATE_NOT_CERTIFIABLE');
    expect(error.message).toMatch(/not certifiable \(must check secure-tls-version was not judged/);
    const supplierOnly = signReport(unjudged(), {
      privateKeyPem: supplierKey.privateKeyPem,
      role: 'supplier',
      now: issued,
    });
    expect(() =>
      signReport(supplierOnly, {
        privateKeyPem: certifierKey.privateKeyPem,
        role: 'certifier',
        now: later(1),
      }),
    ).toThrow(/refusing to sign as a certifier/);
  });

  it('verifies a certifier’s key on a run that is not certifiable as self-assessed, never certified', () => {
    // What an older release, or a hand-made file, could carry: the trust list says certifier, the run says no.
    const signed = signReport(unjudged(), {
      privateKeyPem: certifierKey.privateKeyPem,
      role: 'supplier',
      now: issued,
    });
    expect(verifySignedReport(signed, { trustedKeys: [trustCertifier], now: later(1) })).toMatchObject({
      ok: true,
      status: 'self-assessed',
    });
    // LOTI's sweep keeps a failing run as evidence with its certifier key, and it certifies nothing either.
    const evidence = signReport(unjudged(), {
      privateKeyPem: certifierKey.privateKeyPem,
      role: 'certifier',
      evidenceOnly: true,
      now: issued,
    });
    expect(evidence.signatures[0]?.role).toBe('certifier');
    expect(verifySignedReport(evidence, { trustedKeys: [trustCertifier], now: later(1) })).toMatchObject({
      ok: true,
      status: 'self-assessed',
    });
  });
});

describe('signReport refuses', () => {
  it('to countersign a report changed since it was signed', () => {
    const signed = copy(supplierSigned());
    signed.report.level = 'gold';
    signed.certificate.level = 'gold';
    const error = thrown(() =>
      signReport(signed as SignedReport, { privateKeyPem: certifierKey.privateKeyPem, role: 'certifier' }),
    );
    expect(error.reason).toBe('tampered');
    expect(error.code).toBe('CERTIFICATE_TAMPERED');
    expect(error.message).toMatch(
      /refusing to countersign: the report does not match certificate\.reportSha256/,
    );
  });

  it('to countersign an expired certificate, to sign twice with one key, or to change the certificate', () => {
    const signed = supplierSigned();
    const as =
      (now: Date, extra: object = {}) =>
      () =>
        signReport(signed, { privateKeyPem: certifierKey.privateKeyPem, role: 'certifier', now, ...extra });
    expect(thrown(as(later(366))).reason).toBe('expired');
    expect(thrown(as(later(1), { expiresInDays: 30 })).message).toMatch(/fixed by the first signature/);
    expect(() => as(later(1))()).not.toThrow();
    const twice = thrown(() =>
      signReport(signed, { privateKeyPem: supplierKey.privateKeyPem, role: 'supplier', now: later(1) }),
    );
    expect(twice.message).toBe(`${supplierKey.keyId} has signed this report already`);
  });

  it('a supplier or product that contradicts the attestation, and needs them when there is none', () => {
    const key = { privateKeyPem: supplierKey.privateKeyPem, role: 'supplier' } as const;
    expect(thrown(() => signReport(runReport(), { ...key, supplier: 'Other Ltd' })).message).toMatch(
      /"Other Ltd" differs from the report's attestation, which names "Example Civic Software Ltd"/,
    );
    const unattested = runReport({ attestation: null });
    expect(thrown(() => signReport(unattested, key)).message).toMatch(
      /needs the supplier named by the signer/,
    );
    const named = signReport(unattested, { ...key, supplier: 'Other Ltd', product: 'Other Reports 1.0' });
    expect(named.certificate).toMatchObject({ supplier: 'Other Ltd', product: 'Other Reports 1.0' });
    expect(verifySignedReport(named, { trustedKeys: [trustSupplier] })).toMatchObject({ ok: true });
  });

  it('keys that are not Ed25519, a public key for signing, and bad options', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const rsaPem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(
      thrown(() => signReport(runReport(), { privateKeyPem: rsaPem, role: 'supplier' })).message,
    ).toMatch(/the private key is rsa, not Ed25519/);
    expect(
      thrown(() => signReport(runReport(), { privateKeyPem: supplierKey.publicKeyPem, role: 'supplier' }))
        .reason,
    ).toBe('invalid-key');
    expect(
      thrown(() =>
        signReport(runReport(), {
          privateKeyPem: supplierKey.privateKeyPem,
          role: 'supplier',
          expiresInDays: 0,
        }),
      ).message,
    ).toMatch(/expiresInDays must be a positive number/);
    expect(
      thrown(() =>
        signReport(runReport({ level: 'platinum' as 'gold' }), {
          privateKeyPem: supplierKey.privateKeyPem,
          role: 'supplier',
        }),
      ).message,
    ).toMatch(/report\.level must be one of gold, silver, bronze, none/);
  });
});

describe('keys and trust lists', () => {
  it('keyIdOf refuses a private key and a key of another algorithm', () => {
    expect(thrown(() => keyIdOf(supplierKey.privateKeyPem)).message).toMatch(/this is a private key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(
      thrown(() => keyIdOf(rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString())).reason,
    ).toBe('invalid-key');
    expect(thrown(() => keyIdOf('not a key')).message).toMatch(/not a PEM public key/);
    expect(generateKeyPair().keyId).not.toBe(supplierKey.keyId);
  });

  it('a trust list with a broken key or one key in two roles is the caller’s mistake, thrown', () => {
    const signed = supplierSigned();
    expect(
      thrown(() =>
        verifySignedReport(signed, {
          trustedKeys: [trustSupplier, { publicKeyPem: 'junk', role: 'certifier' }],
        }),
      ).message,
    ).toMatch(/^trustedKeys\[1\]: not a PEM public key/);
    expect(
      thrown(() =>
        verifySignedReport(signed, {
          trustedKeys: [trustSupplier, { publicKeyPem: supplierKey.publicKeyPem, role: 'certifier' }],
        }),
      ).message,
    ).toMatch(/lists ed25519:[0-9a-f]{32} twice, as supplier and as certifier/);
  });
});

describe('parseSignedReport', () => {
  it('throws a CertificateError with a reason, never a SyntaxError', () => {
    const error = thrown(() => parseSignedReport('{"signedReportVersion": "1.0.0", '));
    expect(error.reason).toBe('malformed');
    expect(error.message).toMatch(/^not a signed report: the file is not JSON/);
    expect(thrown(() => parseSignedReport('{"signedReportVersion": "9.0.0"}')).reason).toBe(
      'unsupported-version',
    );
    expect(thrown(() => parseSignedReport('[]')).message).toBe('a signed report must be a JSON object');
    expect(parseSignedReport(JSON.stringify(supplierSigned()))).toEqual(supplierSigned());
  });
});

describe('isDueForRecertification', () => {
  const certificate = { specVersion: '1.4.0', expiresAt: '2027-03-02T10:00:00.000Z' };
  it('is due once expired or when the spec has had a major release since', () => {
    expect(isDueForRecertification(certificate, '1.9.0', later(100))).toBe(false);
    expect(isDueForRecertification(certificate, '1.4.0', later(366))).toBe(true);
    expect(isDueForRecertification(certificate, '2.0.0', later(100))).toBe(true);
    expect(isDueForRecertification({ ...certificate, specVersion: '2.1.0' }, '2.0.0', later(100))).toBe(
      false,
    );
    expect(thrown(() => isDueForRecertification(certificate, 'latest', later(1))).reason).toBe(
      'invalid-options',
    );
  });
});
