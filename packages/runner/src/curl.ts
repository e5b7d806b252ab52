import type { Exchange, ExchangeCredential } from './http.ts';
import { REDACTED } from './redact.ts';
import { type ShellPart, shellCommand } from './shell.ts';

/**
 * The environment variables a reproduction reads each credential from, never its value: the names
 * `conform run` reads tokens from, and names for the two it does not (a token the check made up to be
 * refused, and the round-trip target's token).
 */
export const CREDENTIAL_VARIABLES = {
  primary: 'CONFORM_TOKEN',
  secondary: 'CONFORM_SECOND_TOKEN',
  check: 'CONFORM_CHECK_TOKEN',
  roundTrip: 'CONFORM_ROUND_TRIP_TOKEN',
} as const;

// Set by curl itself from what it sends, or not meaningful when sent again.
const LEFT_TO_CURL = new Set([
  'host',
  'content-length',
  'connection',
  'transfer-encoding',
  'accept-encoding',
]);
const CUT_SHORT = /… \(\d+ more characters\)$/;

function variableFor(exchange: Exchange, credential: ExchangeCredential): string {
  // The round-trip target's client is the only one whose exchange ids do not start `ex-`.
  if (exchange.id.startsWith('rt-')) return CREDENTIAL_VARIABLES.roundTrip;
  return CREDENTIAL_VARIABLES[credential];
}

/**
 * A `curl` command that sends an exchange's request again, from its redacted evidence: method, URL, headers
 * and body, the credential it carried written as the environment variable that holds one (`$CONFORM_TOKEN`),
 * every other redacted value left as `[redacted]`. Undefined for an observation that was not HTTP (a TLS
 * handshake). A body the evidence keeps only the start of is sent as kept, and the command ends with a
 * comment saying so.
 */
export function curlCommand(exchange: Exchange): string | undefined {
  if (exchange.observation !== undefined) return undefined;
  const { method, headers, bodyPreview } = exchange.request;
  const variable = exchange.credential ? variableFor(exchange, exchange.credential) : undefined;
  const words: (string | ShellPart[])[] = ['curl', '--include', '--globoff'];
  // curl sends GET, or POST when it has data; any other method is named.
  const implied = bodyPreview === undefined ? 'GET' : 'POST';
  if (method === 'HEAD') words.push('--head');
  else if (method !== implied) words.push('--request', method);
  const queryToken = `access_token=${encodeURIComponent(REDACTED)}`;
  const url = exchange.request.url;
  words.push(
    variable && url.includes(queryToken)
      ? url
          .split(queryToken)
          .flatMap((text, i): ShellPart[] => (i === 0 ? [text] : ['access_token=', { variable }, text]))
      : url,
  );
  for (const [name, value] of Object.entries(headers)) {
    if (LEFT_TO_CURL.has(name)) continue;
    words.push(
      '--header',
      variable && name === 'authorization' && value === REDACTED
        ? [`${name}: Bearer `, { variable }]
        : `${name}: ${value}`,
    );
  }
  if ('accept-encoding' in headers) words.push('--compressed');
  let cutShort = false;
  if (bodyPreview !== undefined) {
    cutShort = CUT_SHORT.test(bodyPreview);
    // --data-raw, not --data-binary: a body beginning with @ is sent as it is, not read from a file. A shell
    // word cannot carry a NUL byte.
    words.push('--data-raw', bodyPreview.replace(CUT_SHORT, '').replaceAll('\u0000', ''));
  }
  const command = shellCommand(words);
  return cutShort ? `${command} # the body is cut short: the evidence keeps only its start` : command;
}
