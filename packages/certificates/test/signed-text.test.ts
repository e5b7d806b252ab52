import { createHash, createPrivateKey, sign as ed25519Sign } from 'node:crypto';
import type { RunReport } from '@council-conform/runner';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  generateKeyPair,
  parseSignedReport,
  type SignedReport,
  signReport,
  type TrustedKey,
  verifySignedReport,
} from '../src/index.ts';
import { runReport } from './report.ts';
import { thrown } from './support.ts';

const supplierKey = generateKeyPair();
const issued = new Date('2026-03-02T10:00:00.000Z');
const options = {
  trustedKeys: [{ publicKeyPem: supplierKey.publicKeyPem, role: 'supplier' } satisfies TrustedKey],
  now: new Date('2026-03-03T10:00:00.000Z'),
};

const signedText = (signed: SignedReport) => `${JSON.stringify(signed, null, 2)}\n`;
const sign = (report = runReport()) =>
  signReport(report, { privateKeyPem: supplierKey.privateKeyPem, role: 'supplier', now: issued });

/**
 * A report signed as a release before this one would have signed it, number and all, following the published
 * format by hand: today's signReport refuses a number no verifier could read back exactly.
 */
function signedByAnOlderRelease(report: RunReport): SignedReport {
  const template = sign();
  const certificate = {
    ...template.certificate,
    reportSha256: createHash('sha256').update(canonicalJson(report), 'utf8').digest('hex'),
  };
  const [first] = template.signatures;
  const signer = { keyId: first!.keyId, role: first!.role, signedAt: first!.signedAt };
  const payload = canonicalJson({ signedReportVersion: '1.0.0', report, certificate, signer });
  const signature = ed25519Sign(
    null,
    Buffer.from(payload, 'utf8'),
    createPrivateKey(supplierKey.privateKeyPem),
  );
  return {
    ...template,
    report,
    certificate,
    signatures: [{ ...first!, signature: signature.toString('base64url') }],
  };
}

/** The text, edited once, failing the test if the edit did not apply. */
function edited(text: string, from: string | RegExp, to: string): string {
  const changed = text.replace(from, to);
  expect(changed, `the edit of ${String(from)} did not apply`).not.toBe(text);
  return changed;
}

function malformedMessage(text: string): string {
  const result = verifySignedReport(text, options);
  expect(result).toMatchObject({ ok: false, reason: 'malformed' });
  return result.ok ? '' : result.message;
}

describe('verifying text verifies the text, not what JSON.parse makes of it', () => {
  it('refuses a member placed before the signed one of the same name, which JSON.parse would drop', () => {
    const text = signedText(sign());
    expect(verifySignedReport(text, options)).toMatchObject({ ok: true });
    // What a reader that keeps the first member, or a person, sees: a gold certificate.
    const forged = edited(text, '"certificate": {', '"certificate": {\n    "level": "gold",');
    expect(verifySignedReport(JSON.parse(forged), options)).toMatchObject({ ok: true });
    expect(malformedMessage(forged)).toBe(
      'the text does not say exactly what was signed: duplicate key "level" at $.certificate: readers disagree on which value counts',
    );
    // Deep in the report too, and at the top level.
    const inCheck = edited(text, '"status": "pass",', '"status": "fail", "status": "pass",');
    expect(malformedMessage(inCheck)).toMatch(/duplicate key "status" at \$\.report\.checks\[0\]:/);
    const atTop = edited(text, '{\n', '{\n  "signatures": [],\n');
    expect(malformedMessage(atTop)).toMatch(/duplicate key "signatures" at \$:/);
  });

  it('refuses an integer past 2^53 edited to one that reads as the same double', () => {
    const text = signedText(signedByAnOlderRelease(runReport({ requests: 2 ** 53 })));
    expect(text).toContain('"requests": 9007199254740992');
    const forged = edited(text, '"requests": 9007199254740992', '"requests": 9007199254740993');
    expect(verifySignedReport(JSON.parse(forged), options)).toMatchObject({ ok: true });
    expect(malformedMessage(forged)).toBe(
      'the text does not say exactly what was signed: the number 9007199254740993 at $.report.requests cannot be held exactly: it is an integer beyond ±9007199254740991, past which a double skips integers (it reads as 9007199254740992)',
    );
    // The file as signed holds an integer past the exact range as well: any of its neighbours would verify.
    expect(malformedMessage(text)).toMatch(/the number 9007199254740992 at \$\.report\.requests/);
  });

  it('refuses to sign a report holding such a number, since no verifier would accept the file', () => {
    expect(thrown(() => sign(runReport({ requests: 2 ** 53 }))).message).toBe(
      'refusing to sign: the number 9007199254740992 at $.report.requests cannot be held exactly (an integer beyond ±9007199254740991), so no verifier would accept the signed file',
    );
    expect(sign(runReport({ requests: Number.MAX_SAFE_INTEGER })).report.requests).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });

  it('refuses a fraction given more digits than a double holds, and reads other spellings of it', () => {
    const text = signedText(sign(runReport({ durationMs: 0.1 })));
    expect(verifySignedReport(text, options)).toMatchObject({ ok: true });
    const forged = edited(text, '"durationMs": 0.1,', '"durationMs": 0.1000000000000000000001,');
    expect(verifySignedReport(JSON.parse(forged), options)).toMatchObject({ ok: true });
    expect(malformedMessage(forged)).toMatch(
      /the number 0\.1000000000000000000001 at \$\.report\.durationMs cannot be held exactly: it has more precision than a JSON number holds \(it reads as 0\.1\)/,
    );
    // The same value spelt another way is the same value: nothing about it is ambiguous.
    const respelt = edited(text, '"durationMs": 0.1,', '"durationMs": 1.0e-1,');
    expect(verifySignedReport(respelt, options)).toMatchObject({ ok: true });
  });

  it('keeps verifying an already-parsed value as before, and parseSignedReport reads text as strictly', () => {
    const signed = sign();
    expect(verifySignedReport(structuredClone(signed), options)).toMatchObject({ ok: true });
    const forged = edited(signedText(signed), '"certificate": {', '"certificate": {\n    "level": "gold",');
    const error = thrown(() => parseSignedReport(forged));
    expect(error.reason).toBe('malformed');
    expect(error.message).toMatch(
      /^the file does not say exactly what was signed: duplicate key "level" at \$\.certificate/,
    );
  });
});
