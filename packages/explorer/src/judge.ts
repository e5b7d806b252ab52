import type { SchemaValidator } from '@council-conform/openapi';
import { personalFieldOf } from '@council-conform/ruleset';
import type { HarnessResponse } from '@council-conform/runner';
import type { ExploreCase } from './cases.ts';
import { internalsIn, revealingHeaders } from './internals.ts';
import { documentedResponse, isJsonType, isObject, type OperationModel } from './model.ts';

export const FINDING_KINDS = [
  'server-error',
  'undocumented-status',
  'undocumented-content-type',
  'body-does-not-match',
  'internals-in-error',
  'invalid-input-accepted',
  'personal-data-anonymous',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface Verdict {
  readonly kind: FindingKind;
  readonly message: string;
}

const MAX_SCANNED_BYTES = 256 * 1024;

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function documentsType(documented: readonly string[], type: string): boolean {
  return documented.some((candidate) => {
    const wanted = mediaType(candidate);
    if (wanted === '*/*' || wanted === type) return true;
    return wanted.endsWith('/*') && type.startsWith(wanted.slice(0, -1));
  });
}

/**
 * Contact details are left out: on public data they are as often a council's or a business's published
 * mailbox or switchboard as a person's, and a finding that cries wolf on every service directory is ignored.
 */
const CONTACT = new Set(['e-mail address', 'phone number']);

/** Personal-looking fields with a value, found walking a JSON answer (first few only). */
function personalFields(value: unknown, path = '', out: string[] = [], depth = 0): string[] {
  if (out.length >= 3 || depth > 6) return out;
  if (Array.isArray(value)) {
    for (const [index, item] of value.slice(0, 50).entries())
      personalFields(item, `${path}/${index}`, out, depth + 1);
    return out;
  }
  if (!isObject(value)) return out;
  for (const [name, field] of Object.entries(value)) {
    const match = personalFieldOf(name);
    const filled = (typeof field === 'string' && field.trim() !== '') || typeof field === 'number';
    if (
      match &&
      filled &&
      (match.kind === 'special-category' || (match.kind === 'personal' && !CONTACT.has(match.category)))
    )
      out.push(`${path}/${name} (${match.category})`);
    else personalFields(field, `${path}/${name}`, out, depth + 1);
  }
  return out;
}

/**
 * Everything wrong with one answer, as exploration judges it. A 429 is the server protecting itself and is
 * not judged; nothing else is excused.
 */
export function judgeAnswer(
  operation: OperationModel,
  exploreCase: ExploreCase,
  response: HarnessResponse,
  validator: SchemaValidator,
  anonymous: boolean,
): Verdict[] {
  const { status } = response;
  // 429: the server protecting itself. 501: an operation the server says it does not offer (as a profile's
  // optional operations must answer); exploration stops there, it is no crash.
  if (status === 429 || status === 501) return [];
  const verdicts: Verdict[] = [];
  const text = response.body.subarray(0, MAX_SCANNED_BYTES).toString('utf8');
  if (status >= 500)
    verdicts.push({ kind: 'server-error', message: `answered ${status} (${exploreCase.how})` });
  if (status >= 400) {
    const leaks = internalsIn(text).map(({ kind, excerpt }) => `${kind} (“${excerpt}”)`);
    const headers = revealingHeaders((name) => response.header(name)).map(
      ({ name, value }) => `${name}: ${value}`,
    );
    if (leaks.length + headers.length > 0)
      verdicts.push({
        kind: 'internals-in-error',
        message: `the ${status} answer (${exploreCase.how}) reveals ${[...leaks, ...headers].join(', ')}`,
      });
  }
  // 414 and 431: the HTTP server in front refused a URL or headers too long for it, before the API saw the
  // request. A fair refusal that descriptions rarely list; only what it reveals is judged.
  if (status === 414 || status === 431) return verdicts;
  if (exploreCase.intent === 'invalid' && status >= 200 && status < 300)
    verdicts.push({
      kind: 'invalid-input-accepted',
      message: `answered ${status} to a request that breaks the description (${exploreCase.how}); it should be refused with a 4xx`,
    });
  const documented = documentedResponse(operation, status);
  if (!documented) {
    verdicts.push({
      kind: 'undocumented-status',
      message: `answered ${status}, which the description does not give for ${operation.key} (it gives ${Object.keys(operation.responses).join(', ') || 'none'})`,
    });
    return verdicts;
  }
  const type = mediaType(response.header('content-type'));
  if (
    response.body.length > 0 &&
    documented.contentTypes.length > 0 &&
    !documentsType(documented.contentTypes, type)
  ) {
    verdicts.push({
      kind: 'undocumented-content-type',
      message: `answered ${status} as ${type || 'no content type'}, where the description gives ${documented.contentTypes.join(', ')}`,
    });
    return verdicts;
  }
  if (documented.jsonSchema && isJsonType(type) && response.body.length > 0) {
    let body: unknown;
    try {
      body = response.json();
    } catch {
      verdicts.push({
        kind: 'body-does-not-match',
        message: `the ${status} answer says ${type} but is not JSON`,
      });
      return verdicts;
    }
    const errors = validator.validateWith(documented.jsonSchema, body);
    if (errors.length > 0)
      verdicts.push({
        kind: 'body-does-not-match',
        message: `the ${status} body does not match the description: ${errors
          .slice(0, 3)
          .map((error) => error.message)
          .join('; ')}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}`,
      });
    // The description itself (its examples) is not data.
    if (
      anonymous &&
      status >= 200 &&
      status < 300 &&
      !(isObject(body) && ('openapi' in body || 'swagger' in body))
    ) {
      const fields = personalFields(body);
      if (fields.length > 0)
        verdicts.push({
          kind: 'personal-data-anonymous',
          message: `answered without credentials with personal-looking fields: ${fields.join(', ')}`,
        });
    }
  }
  return verdicts;
}
