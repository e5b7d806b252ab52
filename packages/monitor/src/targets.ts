/**
 * Where a worker finds a target's credentials when a run starts. Never the secret itself: the registry is a
 * database others read, so it holds the names of environment variables or an entry of a secrets file.
 */
export type CredentialsSource =
  | { readonly from: 'none' }
  | {
      readonly from: 'env';
      readonly token?: string;
      readonly clientId?: string;
      readonly clientSecret?: string;
    }
  | { readonly from: 'file'; readonly path: string; readonly entry: string };

/** Who hears of a regression. Webhook first; the secret for its signature is named, never stored. */
export interface WebhookSubscription {
  readonly kind: 'webhook';
  readonly url: string;
  /** Environment variable holding the HMAC-SHA256 key for the `x-conform-signature` header. */
  readonly secretEnv?: string;
}

export type Subscription = WebhookSubscription;

export interface MonitorTargetInput {
  readonly id: string;
  readonly supplier: string;
  readonly product: string;
  readonly profile: string;
  readonly baseUrl: string;
  readonly mode?: 'readonly' | 'sandbox';
  readonly features?: readonly string[];
  readonly credentials?: CredentialsSource;
  /**
   * A second tenant of the same product, for the cross-tenant checks (personal data kept apart between
   * councils); without it a scheduled run skips them, as `conform run` does without --second-*.
   */
  readonly secondTenant?: CredentialsSource;
  /** Five-field cron, Europe/London time. */
  readonly schedule: string;
  readonly runBudgetSeconds?: number;
  readonly requestsPerSecond?: number;
  readonly notify?: readonly Subscription[];
}

export interface MonitorTarget extends Required<Omit<MonitorTargetInput, 'requestsPerSecond'>> {
  readonly requestsPerSecond?: number;
  readonly createdAt: Date;
}

/** A nightly run's default budget: a large export on a slow supplier still fits. */
export const DEFAULT_RUN_BUDGET_SECONDS = 30 * 60;
/** Past a day a nightly schedule would overlap itself. */
export const MAX_RUN_BUDGET_SECONDS = 24 * 60 * 60;

export class TargetError extends Error {
  override readonly name = 'TargetError';
}

const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
// Minute, hour, day of month, month, day of week: digits, ranges, steps, lists and names, nothing else.
const CRON_FIELD =
  /^(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?)*$/;

function text(value: unknown, field: string, max = 200): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max || value.includes('\u0000'))
    throw new TargetError(`${field} must be text of 1 to ${max} characters`);
  return value.trim();
}

function httpUrl(value: unknown, field: string): string {
  const raw = text(value, field, 2000);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetError(`${field} "${raw}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new TargetError(`${field} must be an http(s) URL, not ${url.protocol}`);
  if (url.username || url.password)
    throw new TargetError(`${field} must not carry credentials: the registry is not a secret store`);
  return url.toString();
}

function envName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ENV_NAME.test(value))
    throw new TargetError(
      `${field} must be the name of an environment variable (letters, digits, _), not a value`,
    );
  return value;
}

export function checkCron(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 || !fields.every((field) => CRON_FIELD.test(field)))
    throw new TargetError(
      `schedule "${expression}" is not a five-field cron expression (minute hour day-of-month month day-of-week, e.g. "0 2 * * *" for 02:00 every night)`,
    );
  return fields.join(' ');
}

function credentials(value: CredentialsSource | undefined, field: string): CredentialsSource {
  if (!value || value.from === 'none') return { from: 'none' };
  if (value.from === 'env') {
    const out: { from: 'env'; token?: string; clientId?: string; clientSecret?: string } = { from: 'env' };
    if (value.token !== undefined) out.token = envName(value.token, `${field}.token`);
    if (value.clientId !== undefined) out.clientId = envName(value.clientId, `${field}.clientId`);
    if (value.clientSecret !== undefined)
      out.clientSecret = envName(value.clientSecret, `${field}.clientSecret`);
    if (!out.token && !(out.clientId && out.clientSecret))
      throw new TargetError(
        `${field} from the environment need a token variable, or both a client id and a client secret variable`,
      );
    return out;
  }
  if (value.from === 'file') {
    const path = text(value.path, `${field}.path`, 1000);
    if (!path.startsWith('/'))
      throw new TargetError(`${field}.path "${path}" must be absolute: workers may start in any directory`);
    return { from: 'file', path, entry: text(value.entry, `${field}.entry`, 200) };
  }
  throw new TargetError(`${field}.from must be "none", "env" or "file"`);
}

/** Checks and normalises a target before it reaches the registry; throws TargetError naming what is wrong. */
export function checkTarget(input: MonitorTargetInput): Omit<MonitorTarget, 'createdAt'> {
  if (typeof input.id !== 'string' || !ID.test(input.id))
    throw new TargetError(
      `id "${String(input.id)}" must be lower-case letters, digits and dashes (up to 63), starting with a letter or digit`,
    );
  const mode = input.mode ?? 'readonly';
  if (mode !== 'readonly' && mode !== 'sandbox')
    throw new TargetError(`mode must be "readonly" or "sandbox", not "${String(mode)}"`);
  const budget = input.runBudgetSeconds ?? DEFAULT_RUN_BUDGET_SECONDS;
  if (!Number.isInteger(budget) || budget <= 0 || budget > MAX_RUN_BUDGET_SECONDS)
    throw new TargetError(`runBudgetSeconds must be a whole number from 1 to ${MAX_RUN_BUDGET_SECONDS}`);
  if (
    input.requestsPerSecond !== undefined &&
    (!Number.isFinite(input.requestsPerSecond) || input.requestsPerSecond <= 0)
  )
    throw new TargetError('requestsPerSecond must be a positive number');
  const notify = (input.notify ?? []).map((subscription, index): Subscription => {
    if (subscription?.kind !== 'webhook') throw new TargetError(`notify[${index}].kind must be "webhook"`);
    return {
      kind: 'webhook',
      url: httpUrl(subscription.url, `notify[${index}].url`),
      ...(subscription.secretEnv !== undefined
        ? { secretEnv: envName(subscription.secretEnv, `notify[${index}].secretEnv`) }
        : {}),
    };
  });
  const primary = credentials(input.credentials, 'credentials');
  const secondTenant = credentials(input.secondTenant, 'secondTenant');
  if (secondTenant.from !== 'none' && primary.from === 'none')
    throw new TargetError(
      'secondTenant: the cross-tenant checks compare two tenants, so the first needs credentials too',
    );
  return {
    id: input.id,
    supplier: text(input.supplier, 'supplier'),
    product: text(input.product, 'product'),
    profile: text(input.profile, 'profile', 100),
    baseUrl: httpUrl(input.baseUrl, 'baseUrl'),
    mode,
    features: (input.features ?? []).map((feature, index) => text(feature, `features[${index}]`, 200)),
    credentials: primary,
    secondTenant,
    schedule: checkCron(text(input.schedule, 'schedule', 200)),
    runBudgetSeconds: budget,
    ...(input.requestsPerSecond !== undefined ? { requestsPerSecond: input.requestsPerSecond } : {}),
    notify,
  };
}
