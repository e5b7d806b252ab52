import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BUDGET } from '@council-conform/test-budgets';
import { describe, expect, it } from 'vitest';
import {
  type Check,
  CREDENTIAL_VARIABLES,
  curlCommand,
  type Exchange,
  quoteShellText,
  SelectionError,
  selectedCheckIds,
  shellCommand,
  shellWord,
} from '../src/index.ts';

const run = promisify(execFile);

/** The words bash makes of a command line: a function of the command's name prints each one. */
async function wordsOf(command: string, env: Record<string, string> = {}): Promise<string[]> {
  const name = command.split(' ')[0] as string;
  const script = `${name}() { printf '%s\\0' "$@"; }\n${command}\n`;
  const { stdout } = await run('bash', ['-c', script], { env: { PATH: process.env.PATH ?? '', ...env } });
  return stdout.split('\0').slice(0, -1);
}

const HOSTILE_TEXTS = [
  '',
  'plain',
  "it's",
  'two words',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: text a shell would expand, which quoting must not let it
  '$HOME and ${HOME}',
  '`id` $(id)',
  'a "quoted" \\ backslash',
  '!event',
  'line one\nline two',
  "'; rm -rf / #",
  'ünïcödé ✓',
  '--looks-like-a-flag',
  '@/etc/passwd',
];

describe('shell words', { timeout: BUDGET.process }, () => {
  it('bash reads every quoted text back exactly as it was', async () => {
    const command = shellCommand(['echo', ...HOSTILE_TEXTS]);
    expect(await wordsOf(command)).toEqual(HOSTILE_TEXTS);
    expect(await wordsOf(['echo', ...HOSTILE_TEXTS.map(quoteShellText)].join(' '))).toEqual(HOSTILE_TEXTS);
  });

  it('names a variable for the shell to expand, beside any text, and never writes its value', async () => {
    const env = { CONFORM_TOKEN: 'the-secret-value' };
    const words = HOSTILE_TEXTS.map((text) =>
      shellWord([`${text}Bearer `, { variable: 'CONFORM_TOKEN' }, text]),
    );
    for (const word of words) expect(word).toMatch(/\$\{?CONFORM_TOKEN/);
    expect(await wordsOf(`echo ${words.join(' ')}`, env)).toEqual(
      HOSTILE_TEXTS.map((text) => `${text}Bearer the-secret-value${text}`),
    );
    expect(shellWord(['Bearer ', { variable: 'CONFORM_TOKEN' }])).toBe('"Bearer $CONFORM_TOKEN"');
    // A name character after the variable would join its name: it is braced then.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's own syntax, expected as text
    expect(shellWord([{ variable: 'CONFORM_TOKEN' }, 'x'])).toBe('"${CONFORM_TOKEN}x"');
    expect(() => shellWord([{ variable: 'NOT A NAME' }])).toThrow(/not an environment variable name/);
  });
});

const exchange = (
  overrides: Omit<Partial<Exchange>, 'request'> & { request?: Partial<Exchange['request']> },
): Exchange => ({
  id: 'ex-0007',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 12,
  ...overrides,
  request: { method: 'GET', url: 'http://127.0.0.1:8080/items?limit=5', headers: {}, ...overrides.request },
});

describe('curl commands from evidence', { timeout: BUDGET.process }, () => {
  it('sends the method, URL, headers and body again, the credential named by its variable', async () => {
    const body = `{"note":"it's @ here","n":1}`;
    const curl = curlCommand(
      exchange({
        credential: 'primary',
        request: {
          method: 'POST',
          url: 'http://127.0.0.1:8080/exports?format=ndjson',
          headers: {
            accept: 'application/json',
            authorization: '[redacted]',
            'content-type': 'application/json',
            'content-length': '28',
          },
          bodyPreview: body,
        },
      }),
    ) as string;
    expect(curl).toContain('$CONFORM_TOKEN');
    expect(await wordsOf(curl, { CONFORM_TOKEN: 'tok' })).toEqual([
      '--include',
      '--globoff',
      'http://127.0.0.1:8080/exports?format=ndjson',
      '--header',
      'accept: application/json',
      '--header',
      'authorization: Bearer tok',
      '--header',
      'content-type: application/json',
      '--data-raw',
      body,
    ]);
  });

  it('names each credential’s own variable, a token in the query too, and other methods', async () => {
    const secondary = curlCommand(
      exchange({
        credential: 'secondary',
        request: { method: 'DELETE', headers: { authorization: '[redacted]' } },
      }),
    ) as string;
    expect(await wordsOf(secondary, { CONFORM_SECOND_TOKEN: 'two' })).toEqual([
      '--include',
      '--globoff',
      '--request',
      'DELETE',
      'http://127.0.0.1:8080/items?limit=5',
      '--header',
      'authorization: Bearer two',
    ]);
    const roundTrip = curlCommand(
      exchange({
        id: 'rt-0001',
        credential: 'primary',
        request: { headers: { authorization: '[redacted]' } },
      }),
    ) as string;
    expect(roundTrip).toContain(`$${CREDENTIAL_VARIABLES.roundTrip}`);
    const inQuery = curlCommand(
      exchange({
        credential: 'check',
        request: { url: 'http://127.0.0.1:8080/items?access_token=%5Bredacted%5D&limit=5' },
      }),
    ) as string;
    expect(await wordsOf(inQuery, { CONFORM_CHECK_TOKEN: 'made-up' })).toContain(
      'http://127.0.0.1:8080/items?access_token=made-up&limit=5',
    );
    expect(await wordsOf(curlCommand(exchange({ request: { method: 'HEAD' } })) as string)).toContain(
      '--head',
    );
  });

  it('leaves other redacted values as they are, says when the body was cut short, and has none for a handshake', async () => {
    const cut = curlCommand(
      exchange({
        request: {
          method: 'PUT',
          headers: { cookie: '[redacted]' },
          bodyPreview: '{"a":"…"}… (4000 more characters)',
        },
      }),
    ) as string;
    expect(cut).toMatch(/ # the body is cut short: the evidence keeps only its start$/);
    const words = await wordsOf(cut);
    expect(words).toContain('cookie: [redacted]');
    expect(words[words.indexOf('--data-raw') + 1]).toBe('{"a":"…"}');
    expect(curlCommand(exchange({ observation: 'agreed TLSv1.3' }))).toBeUndefined();
  });
});

const check = (id: string, clause: Check['clause']): Check => ({
  id,
  clause,
  severity: 'must',
  title: id,
  description: id,
  sampling: 'Nothing.',
  run: async () => ({ status: 'pass', message: 'ok' }),
});
const CATALOGUE = [
  check('lint-a', 'open-api'),
  check('lint-b', 'open-api'),
  check('tls-a', 'secure'),
  check('hsts', 'secure'),
];

describe('selecting checks', () => {
  it('takes check ids and clause ids, and skip takes out of only', () => {
    expect(selectedCheckIds(CATALOGUE, { only: ['secure', 'lint-a'], skip: [] })).toEqual(
      new Set(['lint-a', 'tls-a', 'hsts']),
    );
    expect(selectedCheckIds(CATALOGUE, { only: [], skip: ['open-api'] })).toEqual(new Set(['tls-a', 'hsts']));
    expect(selectedCheckIds(CATALOGUE, { only: ['secure'], skip: ['hsts'] })).toEqual(new Set(['tls-a']));
  });

  it('names every unknown id with the valid ones, and refuses a selection that leaves nothing', () => {
    const error = (() => {
      try {
        selectedCheckIds(CATALOGUE, { only: ['htss', 'inclusion'], skip: [] });
      } catch (e) {
        return e as SelectionError;
      }
    })();
    expect(error).toBeInstanceOf(SelectionError);
    expect(error?.code).toBe('SELECTION_UNKNOWN_ID');
    // A clause with no checks of its own (judged by attestation) cannot be selected.
    expect(error?.message).toContain('"htss" (did you mean "hsts"?), "inclusion"');
    expect(error?.message).toContain('Check ids: lint-a, lint-b, tls-a, hsts.');
    expect(error?.message).toContain('Clause ids (each stands for its checks): open-api, secure.');
    expect(() => selectedCheckIds(CATALOGUE, { only: ['hsts'], skip: ['secure'] })).toThrow(
      'only hsts; skipping secure leaves no check to run',
    );
  });
});
