import { mkdir, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { SignedReport, TrustedKey } from '@council-conform/certificates';
import type { RunReport } from '@council-conform/runner';
import { type Command, Option } from 'commander';
import { EXIT, UsageError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { writeOutputFile } from '../output-file.ts';
import { fromUserCwd, userCwd } from '../user-cwd.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];
// Signing and verifying load when one of these commands runs, not whenever `conform` starts.
const certificates = () => import('@council-conform/certificates');

async function readText(path: string, what: string, code: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(code, `${path}: the ${what} cannot be read: ${(error as Error).message}`);
  }
}

/** A CertificateError from signing or from a key file is the user's to fix, so it leaves as a usage error. */
async function asUsage<T>(run: () => T): Promise<T> {
  const { CertificateError } = await certificates();
  try {
    return run();
  } catch (error) {
    if (error instanceof CertificateError) throw new UsageError(error.code, error.message);
    throw error;
  }
}

interface GenerateFlags {
  out: string;
  name: string;
  force?: boolean;
}

async function generate(flags: GenerateFlags, io: CliIo): Promise<void> {
  // A name is a file name in --out, never a path that could land the private key somewhere else.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(flags.name))
    throw new UsageError(
      'KEY_NAME_INVALID',
      `--name "${flags.name}" must be a plain file name: letters, digits, ".", "_" and "-"`,
    );
  const dir = fromUserCwd(flags.out);
  const privatePath = join(dir, `${flags.name}.key`);
  const publicPath = join(dir, `${flags.name}.pub`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (flags.force) await Promise.all([rm(privatePath, { force: true }), rm(publicPath, { force: true })]);
  const { generateKeyPair } = await certificates();
  const pair = generateKeyPair();
  try {
    // Exclusive: created or failing, so an existing key is never replaced between a check and the write, and
    // a new private file is 0600 from its first byte rather than chmod-ed after.
    await writeOutputFile(privatePath, pair.privateKeyPem, { mode: 0o600, exclusive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new UsageError(
        'KEY_EXISTS',
        `${privatePath} exists; refusing to replace a private key (reports it signed could no longer be re-signed with it). Pass --force to replace it, or choose another --name`,
      );
    throw error;
  }
  try {
    await writeOutputFile(publicPath, pair.publicKeyPem, { mode: 0o644, exclusive: true });
  } catch (error) {
    // Half a pair is worse than none: the private key just written would have no public key beside it.
    await rm(privatePath, { force: true });
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new UsageError(
        'KEY_EXISTS',
        `${publicPath} exists; pass --force to replace it, or choose another --name`,
      );
    throw error;
  }
  io.out(
    [
      `Key ${pair.keyId}`,
      `  private: ${privatePath} (mode 0600: keep it to yourself, never send it anywhere)`,
      `  public:  ${publicPath} (give this to councils and to the dashboard's trusted-key list)`,
    ].join('\n'),
  );
}

interface SignFlags {
  key: string;
  role: 'supplier' | 'certifier';
  expiresIn?: string;
  supplier?: string;
  product?: string;
  out?: string;
}

/** report.json → report.signed.json; a signed report gains its new signature in place. */
function defaultSignedPath(reportPath: string): string {
  const stem = reportPath.replace(/\.json$/i, '').replace(/\.signed$/i, '');
  return `${stem}.signed.json`;
}

async function sign(reportArg: string, flags: SignFlags, io: CliIo): Promise<void> {
  const reportPath = fromUserCwd(reportArg);
  const text = await readText(reportPath, 'report', 'REPORT_UNREADABLE');
  let input: RunReport | SignedReport;
  try {
    input = JSON.parse(text) as RunReport | SignedReport;
  } catch (error) {
    throw new UsageError(
      'REPORT_INVALID',
      `${reportPath} is not JSON (${(error as Error).message}); give the JSON report \`conform run --report\` wrote`,
    );
  }
  let expiresInDays: number | undefined;
  if (flags.expiresIn !== undefined) {
    expiresInDays = Number(flags.expiresIn);
    if (!Number.isInteger(expiresInDays) || expiresInDays <= 0)
      throw new UsageError(
        'EXPIRES_IN_INVALID',
        `--expires-in must be a whole number of days, not "${flags.expiresIn}"`,
      );
  }
  const privateKeyPem = await readText(fromUserCwd(flags.key), 'private key', 'KEY_UNREADABLE');
  const { signReport } = await certificates();
  const signed = await asUsage(() =>
    signReport(input, {
      privateKeyPem,
      role: flags.role,
      ...(expiresInDays !== undefined ? { expiresInDays } : {}),
      ...(flags.supplier !== undefined ? { supplier: flags.supplier } : {}),
      ...(flags.product !== undefined ? { product: flags.product } : {}),
    }),
  );
  const out = flags.out ? fromUserCwd(flags.out) : defaultSignedPath(reportPath);
  await writeOutputFile(out, `${JSON.stringify(signed, null, 2)}\n`);
  const mine = signed.signatures.at(-1)!;
  const { certificate } = signed;
  io.out(
    [
      `Signed as ${mine.role} with ${mine.keyId}${signed.signatures.length > 1 ? ` (signature ${signed.signatures.length} of ${signed.signatures.length})` : ''}`,
      `  ${certificate.supplier}, ${certificate.product}: ${certificate.profile} ${certificate.specVersion}, level ${certificate.level}, expires ${certificate.expiresAt}`,
      `Wrote ${out}`,
    ].join('\n'),
  );
}

interface VerifyFlags {
  publicKey?: string[];
  certifierKey?: string[];
  revocations?: string;
}

async function trustedKeysFrom(flags: VerifyFlags): Promise<TrustedKey[]> {
  const entries = [
    ...(flags.publicKey ?? []).map((path) => ({ path, role: 'supplier' as const })),
    ...(flags.certifierKey ?? []).map((path) => ({ path, role: 'certifier' as const })),
  ];
  if (entries.length === 0)
    throw new UsageError(
      'NO_TRUSTED_KEYS',
      'give the public keys you trust: --public-key <file> for a supplier, --certifier-key <file> for a certifier',
    );
  return Promise.all(
    entries.map(async ({ path, role }) => {
      const file = fromUserCwd(path);
      return {
        publicKeyPem: await readText(file, 'public key', 'KEY_UNREADABLE'),
        role,
        name: basename(file).replace(/\.pub$/, ''),
      };
    }),
  );
}

async function verify(signedArg: string, flags: VerifyFlags, io: CliIo): Promise<number> {
  const trustedKeys = await trustedKeysFrom(flags);
  const { readRevocationList } = await import('./revocation-list.ts');
  const revocations = flags.revocations ? await readRevocationList(flags.revocations, userCwd()) : [];
  const path = fromUserCwd(signedArg);
  const text = await readText(path, 'signed report', 'REPORT_UNREADABLE');
  const { verifySignedReport } = await certificates();
  const result = await asUsage(() => verifySignedReport(text, { trustedKeys, revocations }));
  if (!result.ok) {
    io.out(`NOT VALID (${result.reason}): ${result.message}`);
    return EXIT.findings;
  }
  const { certificate, signatures } = result.signedReport;
  const checked = new Set(result.validSignatures.map((signature) => signature.keyId));
  // Listed so that a signature nobody checked is not mistaken for one that counts.
  const unchecked = signatures.filter((signature) => !checked.has(signature.keyId));
  io.out(
    [
      `VALID: ${result.status}`,
      `  Supplier:  ${certificate.supplier}`,
      `  Product:   ${certificate.product}`,
      `  Profile:   ${certificate.profile} ${certificate.specVersion}`,
      `  Level:     ${certificate.level}`,
      `  Expires:   ${result.expiresAt}${result.dueForRecertification ? ' (due for recertification: within 30 days)' : ''}`,
      ...result.validSignatures.map(
        (signature, index) =>
          `  ${index === 0 ? 'Signed by:' : '          '} ${signature.keyId} (${signature.role}${signature.name ? `, ${signature.name}` : ''})`,
      ),
      ...unchecked.map(
        (signature) =>
          `  Also signed by ${signature.keyId} (claims ${signature.role}), a key you do not trust: not checked`,
      ),
      // The signature counts (it is dated before the revocation), but the date is its signer's own word.
      ...result.revokedSignatures.map(
        (revoked) =>
          `  Note: signed with a key since revoked: ${revoked.keyId} was revoked at ${revoked.revokedAt} (reason: ${revoked.reason}); this signature is dated before that, so it still counts`,
      ),
    ].join('\n'),
  );
  return EXIT.ok;
}

/** `conform keys generate`, `conform sign` and `conform verify`: certificates a council can check offline. */
export function registerCertificateCommands(program: Command, io: CliIo): void {
  const keys = program.command('keys').description('make Ed25519 key pairs for signing run reports');
  keys
    .command('generate')
    .description('write a new key pair: <name>.key (private, mode 0600) and <name>.pub (public)')
    .requiredOption('--out <dir>', 'folder to write the key pair into')
    .option('--name <name>', 'file name of the pair, without extension', 'conform')
    .option('--force', 'replace key files of that name')
    .action((flags: GenerateFlags) => generate(flags, io));

  program
    .command('sign')
    .description('sign a run report (or countersign a signed one) so councils can verify it offline')
    .argument('<report>', 'the JSON report of `conform run --report`, or a signed report to countersign')
    .requiredOption('--key <file>', 'your private key (from `conform keys generate`)')
    .addOption(
      new Option('--role <role>', 'who you sign as; verifiers decide from their own trust list')
        .choices(['supplier', 'certifier'])
        .default('supplier'),
    )
    .option('--expires-in <days>', 'days the certificate is valid (default 365)')
    .option('--supplier <name>', 'supplier name, when the report carries no attestation')
    .option('--product <name>', 'product name, when the report carries no attestation')
    .option(
      '--out <file>',
      'where to write (default: <report>.signed.json; a signed report gains its signature in place)',
    )
    .action((report: string, flags: SignFlags) => sign(report, flags, io));

  program
    .command('verify')
    .description('check a signed report offline against the public keys you trust; exit 0 valid, 1 not valid')
    .argument('<signed-report>', 'the signed report (from `conform sign`)')
    .option('--public-key <file>', "a supplier's public key you trust (repeatable)", collect)
    .option('--certifier-key <file>', "a certifier's public key you trust (repeatable)", collect)
    .option(
      '--revocations <file-or-url>',
      "a key revocation list (the dashboard's /data/revoked-keys.json): signatures by a revoked key dated on or after its revocation are refused",
    )
    .action(async (signed: string, flags: VerifyFlags) => {
      process.exitCode = await verify(signed, flags, io);
    });
}
