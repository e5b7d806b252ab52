import {
  type CliIo,
  type DashboardAnswer,
  formatTable,
  getFromDashboard,
  postToDashboard,
  UsageError,
} from '@council-conform/cli';
import {
  councilOf,
  describeUnknownCouncil,
  normaliseCompanyNumber,
  ValueError,
} from '@council-conform/contracts';
import type {
  Credential,
  IssuedCredential,
  Principal,
  PrincipalKind,
  RegisteredKey,
} from '@council-conform/dashboard';
import { type Command, Option } from 'commander';

/**
 * `conform dashboard …`: LOTI's administrators and certifiers run a dashboard's principals, credentials and
 * reviews from the command line, through the same HTTP API and bearer credentials as every other client. The
 * dashboard decides who may do what; this only carries the request and shows the answer.
 */

/**
 * The dashboard's kinds of principal, written out here so that starting the CLI does not load the dashboard
 * (its database driver and templates); the type keeps each one a kind the dashboard knows.
 */
const PRINCIPAL_KINDS = [
  'administrator',
  'certifier',
  'supplier',
  'council',
] as const satisfies readonly PrincipalKind[];

/** Where to reach the dashboard and as whom. */
interface DashboardConnection {
  readonly to: string;
  readonly token: string;
}

/** The flags every `conform dashboard` command takes. */
interface ConnectionFlags {
  readonly to?: string;
  readonly token?: string;
  readonly json?: boolean;
}

// What the dashboard answers, as far as the tables read it; `--json` prints the answers whole. Principals,
// credentials and keys are the dashboard's own types; the review views below are shaped by its API alone.
type ShownKey = Omit<RegisteredKey, 'publicKeyPem'>;
interface ShownCompanyNumberClaim {
  readonly companyNumber: string;
  readonly supplierId: string;
  readonly supplierName: string;
  readonly state: string;
  readonly claimedAt: string;
  readonly claimedBy: string | null;
}
interface ShownHeldReport {
  readonly id: string;
  readonly productId: string;
  readonly productName: string;
  readonly supplierName: string;
  readonly heldReason: string;
  readonly heldDetail: string | null;
  readonly receivedAt: string;
  readonly status: string;
  readonly level: string;
}
interface ShownReportSummary {
  readonly id: string;
  readonly productId: string;
  readonly status: string;
  readonly level: string;
  readonly heldReason: string | null;
  readonly heldDetail: string | null;
}

/** A token on argv shows in the process list; the variable is the safer habit, so it is the default. */
function dashboardConnectionOf(flags: ConnectionFlags): DashboardConnection {
  const to = flags.to ?? process.env.CONFORM_DASHBOARD_URL;
  if (!to)
    throw new UsageError(
      'DASHBOARD_URL_MISSING',
      'give the dashboard’s address with --to or CONFORM_DASHBOARD_URL',
    );
  const token = flags.token ?? process.env.CONFORM_DASHBOARD_TOKEN;
  if (!token)
    throw new UsageError(
      'DASHBOARD_TOKEN_MISSING',
      'give your dashboard credential with --token or CONFORM_DASHBOARD_TOKEN',
    );
  return { to, token };
}

const REFUSAL_CODES: Readonly<Record<number, string>> = {
  401: 'DASHBOARD_UNAUTHENTICATED',
  403: 'DASHBOARD_FORBIDDEN',
  404: 'DASHBOARD_NOT_FOUND',
  409: 'DASHBOARD_CONFLICT',
};

/** A refusal carries the problem's own `detail`, which says what the dashboard wants instead. */
function refusal(doing: string, answer: DashboardAnswer): UsageError {
  const { detail, title } = answer.body as { detail?: unknown; title?: unknown };
  const why = typeof detail === 'string' && detail !== '' ? detail : String(title ?? 'no reason given');
  return new UsageError(
    REFUSAL_CODES[answer.status] ?? 'DASHBOARD_REFUSED',
    `the dashboard refused to ${doing} (HTTP ${answer.status}): ${why}`,
  );
}

/**
 * One call to the dashboard's API: a GET, or a POST of a JSON body. Anything but a 2xx answer is a UsageError
 * naming what was refused, so every command exits non-zero with the dashboard's reason.
 */
async function callDashboard(
  connection: DashboardConnection,
  request: { readonly path: string; readonly doing: string; readonly send?: Record<string, unknown> },
): Promise<Record<string, unknown>> {
  const answer = request.send
    ? await postToDashboard({
        ...connection,
        path: request.path,
        contentType: 'application/json',
        body: JSON.stringify(request.send),
      })
    : await getFromDashboard({ ...connection, path: request.path });
  if (answer.status < 200 || answer.status > 299) throw refusal(request.doing, answer);
  return answer.body;
}

/**
 * The list a field of an answer holds. A dashboard without this API (an older one, or something else at that
 * address) would otherwise print an empty table as if nothing were there.
 */
function listIn<Item>(body: Record<string, unknown>, field: string, doing: string): readonly Item[] {
  const list = body[field];
  if (!Array.isArray(list))
    throw new UsageError(
      'DASHBOARD_ANSWER_INVALID',
      `the dashboard answered the request to ${doing} without a "${field}" list: is it a Council Conform dashboard with principals and roles?`,
    );
  return list as Item[];
}

function objectIn<Shape>(body: Record<string, unknown>, field: string, doing: string): Shape {
  const value = body[field];
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new UsageError(
      'DASHBOARD_ANSWER_INVALID',
      `the dashboard answered the request to ${doing} without "${field}"`,
    );
  return value as Shape;
}

const cell = (value: unknown) => (value === null || value === undefined ? '' : String(value));

function nonBlank(flag: string, value: string, what: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw new UsageError('OPTION_BLANK', `${flag}: give ${what}`);
  return trimmed;
}

/** Dates only, or date-times with a zone: a bare local time would mean different instants on different machines. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

function instantOf(flag: string, value: string): string {
  const parsed = new Date(value.trim());
  if (!ISO_INSTANT.test(value.trim()) || Number.isNaN(parsed.getTime()))
    throw new UsageError(
      'TIME_INVALID',
      `${flag}: "${value}" is not an ISO 8601 time with a zone, such as 2025-03-01T09:30:00Z`,
    );
  return parsed.toISOString();
}

function companyNumberOf(value: string): string {
  let companyNumber: string | null;
  try {
    companyNumber = normaliseCompanyNumber(value);
  } catch (error) {
    if (error instanceof ValueError)
      throw new UsageError('COMPANY_NUMBER_INVALID', `--number: ${error.message}`);
    throw error;
  }
  if (!companyNumber)
    throw new UsageError('COMPANY_NUMBER_INVALID', '--number: the Companies House number is blank');
  return companyNumber;
}

function credentialState(credential: Credential): string {
  if (!credential.revokedAt) return 'live';
  return `revoked ${credential.revokedAt}${credential.revokedReason ? `: ${credential.revokedReason}` : ''}`;
}

/** Tokens are shown once: the dashboard keeps only their digests, so a lost one is rotated, not looked up. */
function showToken(io: CliIo, flags: ConnectionFlags, body: Record<string, unknown>, headline: string): void {
  const warning =
    'This token is shown only this once and cannot be shown again: hand it to its holder now, by a safe channel. If it is lost, rotate the credential.';
  if (flags.json) {
    io.out(JSON.stringify(body, null, 2));
    // On stderr, so that stdout stays one JSON document for a script.
    io.err(warning);
    return;
  }
  const { token } = body as unknown as IssuedCredential;
  if (typeof token !== 'string' || token === '')
    throw new UsageError(
      'DASHBOARD_ANSWER_INVALID',
      'the dashboard issued a credential but sent no token: revoke it and issue another',
    );
  io.out(headline);
  io.out(`token: ${token}`);
  io.out(warning);
}

/** Prints the answer as JSON for `--json`, or else the human-readable text `describe` makes of it. */
function show(
  io: CliIo,
  flags: ConnectionFlags,
  body: Record<string, unknown>,
  describe: () => string,
): void {
  io.out(flags.json ? JSON.stringify(body, null, 2) : describe());
}

function withConnection(command: Command): Command {
  return command
    .option('--to <url>', 'the dashboard, e.g. https://conform.loti.london (default: $CONFORM_DASHBOARD_URL)')
    .option(
      '--token <token>',
      'your dashboard credential (default: $CONFORM_DASHBOARD_TOKEN, which keeps it out of the process list)',
    )
    .option('--json', 'print the dashboard’s answer as JSON, for scripts');
}

function registerPrincipals(dashboard: Command, io: CliIo): void {
  const principals = dashboard
    .command('principals')
    .description('who may act on the dashboard: administrators, certifiers, suppliers and councils');
  withConnection(principals.command('list').description('list every principal (administrators only)')).action(
    async (flags: ConnectionFlags) => {
      const doing = 'list principals';
      const body = await callDashboard(dashboardConnectionOf(flags), { path: 'api/principals', doing });
      const rows = listIn<Principal>(body, 'principals', doing);
      show(io, flags, body, () =>
        formatTable(
          ['ID', 'KIND', 'NAME', 'SUPPLIER ID', 'GSS CODE', 'CREATED'],
          rows.map((p) => [p.id, p.kind, p.name, p.supplierId, p.councilCode, p.createdAt].map(cell)),
        ),
      );
    },
  );
  withConnection(
    principals
      .command('add')
      .description('add a principal (administrators only); then issue it a credential')
      .addOption(
        new Option('--kind <kind>', 'what the principal is').choices(PRINCIPAL_KINDS).makeOptionMandatory(),
      )
      .requiredOption(
        '--name <name>',
        'its name; for a supplier exactly the supplier name its certificates carry, which decides which products are its own',
      )
      .option('--council <gss-code>', 'for a council, and only a council: its GSS code, e.g. E09000033'),
  ).action(async (flags: ConnectionFlags & { kind: PrincipalKind; name: string; council?: string }) => {
    const name = nonBlank('--name', flags.name, 'the principal’s name');
    let councilCode: string | undefined;
    if (flags.kind === 'council') {
      if (flags.council === undefined)
        throw new UsageError(
          'COUNCIL_MISSING',
          '--council: a council principal needs its GSS code, e.g. E09000033',
        );
      const council = councilOf(flags.council);
      if (!council)
        throw new UsageError('COUNCIL_UNKNOWN', `--council: ${describeUnknownCouncil(flags.council)}`);
      councilCode = council.code;
    } else if (flags.council !== undefined) {
      throw new UsageError(
        'COUNCIL_UNEXPECTED',
        `--council is for a council principal only, not a ${flags.kind}`,
      );
    }
    const body = await callDashboard(dashboardConnectionOf(flags), {
      path: 'api/principals',
      doing: `add the ${flags.kind} "${name}"`,
      send: { kind: flags.kind, name, ...(councilCode ? { councilCode } : {}) },
    });
    const added = body as unknown as Principal;
    show(io, flags, body, () =>
      [
        `added ${added.kind} ${added.name}${added.councilCode ? ` (${added.councilCode})` : ''}: ${added.id}`,
        `next: conform dashboard credentials issue --principal ${added.id}`,
      ].join('\n'),
    );
  });
}

function registerCredentials(dashboard: Command, io: CliIo): void {
  const credentials = dashboard
    .command('credentials')
    .description('the bearer tokens principals act with: issued, rotated and revoked by administrators');
  withConnection(
    credentials.command('list').description('list every credential, live and revoked (never their tokens)'),
  ).action(async (flags: ConnectionFlags) => {
    const doing = 'list credentials';
    const body = await callDashboard(dashboardConnectionOf(flags), { path: 'api/credentials', doing });
    const rows = listIn<Credential>(body, 'credentials', doing);
    show(io, flags, body, () =>
      formatTable(
        ['ID', 'PRINCIPAL', 'LABEL', 'ISSUED', 'STATE'],
        rows.map((c) => [c.id, c.principalId, c.label, c.issuedAt, credentialState(c)].map(cell)),
      ),
    );
  });
  withConnection(
    credentials
      .command('issue')
      .description('issue a principal a new credential; its token is printed this once')
      .requiredOption('--principal <id>', 'the principal’s id, from `conform dashboard principals list`')
      .option(
        '--label <label>',
        'what the credential is for, e.g. "Acme CI" (default: the day it was issued)',
      ),
  ).action(async (flags: ConnectionFlags & { principal: string; label?: string }) => {
    const principalId = nonBlank('--principal', flags.principal, 'the principal’s id');
    const label =
      flags.label === undefined
        ? `issued ${new Date().toISOString().slice(0, 10)}`
        : nonBlank('--label', flags.label, 'a label, or leave --label out');
    const doing = `issue ${principalId} a credential`;
    const body = await callDashboard(dashboardConnectionOf(flags), {
      path: 'api/credentials',
      doing,
      send: { principalId, label },
    });
    const credential = objectIn<Credential>(body, 'credential', doing);
    showToken(
      io,
      flags,
      body,
      `issued credential ${credential.id} (${credential.label}) to ${credential.principalId}`,
    );
  });
  withConnection(
    credentials
      .command('rotate')
      .description(
        'replace a credential with a new one for the same principal; the old token stops working at once',
      )
      .argument('<credential-id>', 'the credential, from `conform dashboard credentials list`'),
  ).action(async (id: string, flags: ConnectionFlags) => {
    const credentialId = nonBlank('<credential-id>', id, 'the credential’s id');
    const doing = `rotate ${credentialId}`;
    const body = await callDashboard(dashboardConnectionOf(flags), {
      path: 'api/credentials/rotate',
      doing,
      send: { credentialId },
    });
    const credential = objectIn<Credential>(body, 'credential', doing);
    const replaced = objectIn<Credential>(body, 'replaced', doing);
    showToken(
      io,
      flags,
      body,
      `rotated credential ${replaced.id}: it is revoked; ${credential.principalId} now acts with ${credential.id} (${credential.label})`,
    );
  });
  withConnection(
    credentials
      .command('revoke')
      .description('revoke a credential: its token stops working at once')
      .argument('<credential-id>', 'the credential, from `conform dashboard credentials list`')
      .requiredOption('--reason <reason>', 'why, kept with the credential: "left the company", "leaked"'),
  ).action(async (id: string, flags: ConnectionFlags & { reason: string }) => {
    const credentialId = nonBlank('<credential-id>', id, 'the credential’s id');
    const reason = nonBlank('--reason', flags.reason, 'why the credential is revoked');
    const body = await callDashboard(dashboardConnectionOf(flags), {
      path: 'api/credentials/revoke',
      doing: `revoke ${credentialId}`,
      send: { credentialId, reason },
    });
    const revoked = body as unknown as Credential;
    show(
      io,
      flags,
      body,
      () =>
        `credential ${revoked.id} (${revoked.label}) of ${revoked.principalId}: ${credentialState(revoked)}`,
    );
  });
}

function registerReviews(dashboard: Command, io: CliIo): void {
  withConnection(
    dashboard
      .command('reviews')
      .description(
        'what waits for an administrator or certifier: pending signing keys and Companies House numbers, and held reports',
      ),
  ).action(async (flags: ConnectionFlags) => {
    const doing = 'list what waits for review';
    const body = await callDashboard(dashboardConnectionOf(flags), { path: 'api/reviews', doing });
    const keys = listIn<ShownKey>(body, 'keys', doing);
    const claims = listIn<ShownCompanyNumberClaim>(body, 'companyNumbers', doing);
    const reports = listIn<ShownHeldReport>(body, 'reports', doing);
    const section = (
      title: string,
      decide: string,
      headers: readonly string[],
      rows: readonly (readonly string[])[],
    ) =>
      rows.length === 0
        ? `${title}: none`
        : `${title} (${rows.length}): ${decide}\n${formatTable(headers, rows)}`;
    show(io, flags, body, () =>
      [
        section(
          'Signing keys waiting for approval',
          'conform dashboard keys approve|reject KEYID',
          ['KEY ID', 'ROLE', 'OWNER', 'REGISTERED', 'BY'],
          keys.map((k) => [k.keyId, k.role, k.owner, k.registeredAt, k.registeredBy].map(cell)),
        ),
        section(
          'Companies House numbers waiting for approval',
          'conform dashboard company-numbers approve|reject --supplier-id ID --number N',
          ['NUMBER', 'SUPPLIER', 'SUPPLIER ID', 'CLAIMED', 'BY'],
          claims.map((c) =>
            [c.companyNumber, c.supplierName, c.supplierId, c.claimedAt, c.claimedBy].map(cell),
          ),
        ),
        section(
          'Reports held from the listing',
          'conform dashboard reports release REPORTID (those held for review)',
          ['REPORT ID', 'PRODUCT', 'SUPPLIER', 'STATUS', 'LEVEL', 'RECEIVED', 'HELD'],
          reports.map((r) =>
            [
              r.id,
              r.productName,
              r.supplierName,
              r.status,
              r.level,
              r.receivedAt,
              r.heldDetail ? `${r.heldReason}: ${r.heldDetail}` : r.heldReason,
            ].map(cell),
          ),
        ),
      ].join('\n\n'),
    );
  });
}

function registerKeys(dashboard: Command, io: CliIo): void {
  const keys = dashboard
    .command('keys')
    .description('suppliers’ signing keys: approve or reject a pending one, revoke one');
  for (const approve of [true, false]) {
    withConnection(
      keys
        .command(approve ? 'approve' : 'reject')
        .description(
          approve
            ? 'approve a pending signing key: reports it signed are listed (administrators and certifiers)'
            : 'reject a pending signing key: reports it signed stay held (administrators and certifiers)',
        )
        .argument('<key-id>', 'the key, e.g. ed25519:…, from `conform dashboard reviews`'),
    ).action(async (id: string, flags: ConnectionFlags) => {
      const keyId = nonBlank('<key-id>', id, 'the key’s id');
      const body = await callDashboard(dashboardConnectionOf(flags), {
        path: 'api/keys/review',
        doing: `${approve ? 'approve' : 'reject'} ${keyId}`,
        send: { keyId, approve },
      });
      const key = body as unknown as ShownKey;
      show(
        io,
        flags,
        body,
        () =>
          `${approve ? 'approved' : 'rejected'} ${key.keyId} (${key.role} key of ${key.owner}): now ${key.state}`,
      );
    });
  }
  withConnection(
    keys
      .command('revoke')
      .description(
        'revoke a signing key from a time: reports it signed since are held and refused, earlier ones stay listed with the revocation shown',
      )
      .argument('<key-id>', 'the key, e.g. ed25519:…')
      .requiredOption(
        '--reason <reason>',
        'why, shown with the key and in the open revocation list: "key leaked"',
      )
      .option(
        '--at <iso-time>',
        'from when the key is not to be trusted, e.g. 2025-03-01T09:30:00Z (default: now)',
      ),
  ).action(async (id: string, flags: ConnectionFlags & { reason: string; at?: string }) => {
    const keyId = nonBlank('<key-id>', id, 'the key’s id');
    const reason = nonBlank('--reason', flags.reason, 'why the key is revoked');
    const revokedAt = flags.at === undefined ? undefined : instantOf('--at', flags.at);
    const doing = `revoke ${keyId}`;
    const body = await callDashboard(dashboardConnectionOf(flags), {
      path: 'api/keys/revoke',
      doing,
      send: { keyId, reason, ...(revokedAt ? { revokedAt } : {}) },
    });
    const key = objectIn<ShownKey>(body, 'key', doing);
    const held = Number(body.reportsHeld ?? 0);
    show(io, flags, body, () =>
      [
        `revoked ${key.keyId} (${key.role} key of ${key.owner}) from ${cell(key.revokedAt)}: ${cell(key.revokedReason)}`,
        `${held} ${held === 1 ? 'report' : 'reports'} it signed since then now held from the listing`,
      ].join('\n'),
    );
  });
}

function registerCompanyNumbers(dashboard: Command, io: CliIo): void {
  const companyNumbers = dashboard
    .command('company-numbers')
    .description('suppliers’ Companies House numbers: approve or reject a pending claim');
  for (const approve of [true, false]) {
    withConnection(
      companyNumbers
        .command(approve ? 'approve' : 'reject')
        .description(
          approve
            ? 'approve a supplier’s claim to a Companies House number: councils’ contracts giving it then match its products'
            : 'reject a supplier’s claim to a Companies House number',
        )
        .requiredOption('--supplier-id <id>', 'the supplier, by its id, from `conform dashboard reviews`')
        .requiredOption('--number <number>', 'the Companies House number claimed: 01234567, SC123456')
        .option('--reason <reason>', 'why, kept with the decision (a rejection should say)'),
    ).action(async (flags: ConnectionFlags & { supplierId: string; number: string; reason?: string }) => {
      const supplierId = nonBlank('--supplier-id', flags.supplierId, 'the supplier’s id');
      const companyNumber = companyNumberOf(flags.number);
      const reason =
        flags.reason === undefined
          ? undefined
          : nonBlank('--reason', flags.reason, 'why, or leave --reason out');
      const body = await callDashboard(dashboardConnectionOf(flags), {
        path: 'api/company-numbers/review',
        doing: `${approve ? 'approve' : 'reject'} ${supplierId}'s claim to ${companyNumber}`,
        send: { supplierId, companyNumber, approve, ...(reason ? { reason } : {}) },
      });
      const claim = body as unknown as ShownCompanyNumberClaim;
      show(
        io,
        flags,
        body,
        () =>
          `${approve ? 'approved' : 'rejected'} ${claim.supplierName}’s claim to Companies House number ${claim.companyNumber} (${claim.supplierId}): now ${claim.state}`,
      );
    });
  }
}

function registerReports(dashboard: Command, io: CliIo): void {
  const reports = dashboard.command('reports').description('reports the dashboard holds from its listing');
  withConnection(
    reports
      .command('release')
      .description(
        'list a report held for review, such as a self-assessment that would replace a certificate (administrators only)',
      )
      .argument('<report-id>', 'the report’s id (64 hex digits), from `conform dashboard reviews`'),
  ).action(async (id: string, flags: ConnectionFlags) => {
    const reportId = id.trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(reportId))
      throw new UsageError('REPORT_ID_INVALID', `<report-id>: "${id}" is not a report id (64 hex digits)`);
    const body = await callDashboard(dashboardConnectionOf(flags), {
      path: 'api/reports/release',
      doing: `release report ${reportId}`,
      send: { reportId },
    });
    const report = body as unknown as ShownReportSummary;
    show(io, flags, body, () =>
      report.heldReason
        ? `report ${report.id} is still held: ${report.heldReason}${report.heldDetail ? `: ${report.heldDetail}` : ''}`
        : `released report ${report.id}: ${report.status} (${report.level}), listed for product ${report.productId}`,
    );
  });
}

export function registerDashboardAdmin(program: Command, io: CliIo): void {
  const dashboard = program
    .command('dashboard')
    .description(
      'run a dashboard: principals, credentials, reviews of keys and Companies House numbers, key revocation, held reports',
    );
  registerPrincipals(dashboard, io);
  registerCredentials(dashboard, io);
  registerReviews(dashboard, io);
  registerKeys(dashboard, io);
  registerCompanyNumbers(dashboard, io);
  registerReports(dashboard, io);
}
