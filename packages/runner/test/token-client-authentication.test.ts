import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthError,
  PreflightError,
  Redactor,
  type Reference,
  resolveRunConfig,
  runConformance,
  TokenManager,
} from '../src/index.ts';
import { json, serve } from './support.ts';

/** A client id with a colon and a secret with every character form encoding changes. */
const CLIENT = { clientId: 'council:client-a', clientSecret: 'sécret +/&=:%-0123456789' };
const FORM_ENCODED = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
const BASIC = Buffer.from(`${FORM_ENCODED(CLIENT.clientId)}:${FORM_ENCODED(CLIENT.clientSecret)}`).toString(
  'base64',
);

interface Seen {
  readonly authorization: string | null;
  readonly form: Record<string, string>;
}
const seen = new Map<string, Seen[]>();
let issued = 0;
let postOpen = true;

/** The client as RFC 6749 §2.3.1 decodes an HTTP Basic credential: each half form-decoded. */
function basicClient(request: IncomingMessage): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const decode = (part: string) => new URLSearchParams(`v=${part}`).get('v') ?? '';
  return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
}

const token = (res: Parameters<typeof json>[0]) => {
  issued += 1;
  json(res, 200, {
    access_token: `issued-token-${issued}-0123456789`,
    token_type: 'Bearer',
    expires_in: 3600,
  });
};
const refuse = (res: Parameters<typeof json>[0], status: number, error: string) =>
  json(res, status, { error }, status === 401 ? { 'www-authenticate': 'Basic realm="token"' } : {});

let server: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  const record = (name: string, request: IncomingMessage, body: string) => {
    const list = seen.get(name) ?? [];
    list.push({
      authorization: request.headers.authorization ?? null,
      form: Object.fromEntries(new URLSearchParams(body)),
    });
    seen.set(name, list);
  };
  server = await serve({
    '/': (_q, res) => json(res, 200, { name: 'token test' }),
    '/openapi.json': (_q, res) => json(res, 200, { openapi: '3.1.0', info: { title: 't', version: '1' } }),
    // Takes client_secret_basic only, as the baseline requires every endpoint to.
    '/basic-only/token': (request, res, body) => {
      record('basic-only', request, body);
      const form = new URLSearchParams(body);
      // RFC 6749 §2.3: a client uses one way of authenticating per request.
      if (form.has('client_id') || form.has('client_secret')) return refuse(res, 400, 'invalid_request');
      const client = basicClient(request);
      if (client?.id !== CLIENT.clientId || client.secret !== CLIENT.clientSecret)
        return refuse(res, 401, 'invalid_client');
      token(res);
    },
    // Takes client_secret_post only: the Basic header is not read, so the credentials look missing.
    '/post-only/token': (request, res, body) => {
      record('post-only', request, body);
      const form = new URLSearchParams(body);
      if (form.get('client_id') !== CLIENT.clientId || form.get('client_secret') !== CLIENT.clientSecret)
        return refuse(res, 401, 'invalid_client');
      token(res);
    },
    // Takes client_secret_post only and says so with 400 invalid_request.
    '/post-only-400/token': (request, res, body) => {
      record('post-only-400', request, body);
      const form = new URLSearchParams(body);
      if (!form.has('client_secret')) return refuse(res, 400, 'invalid_request');
      token(res);
    },
    // Takes client_secret_post while `postOpen`, as a secret rotated mid-run would stop it.
    '/rotating/token': (request, res, body) => {
      record('rotating', request, body);
      if (!postOpen || !new URLSearchParams(body).has('client_secret'))
        return refuse(res, 401, 'invalid_client');
      token(res);
    },
    // Refuses Basic, then fails on the form.
    '/post-fails/token': (request, res, body) => {
      record('post-fails', request, body);
      if (request.headers.authorization) return refuse(res, 401, 'invalid_client');
      json(res, 500, { title: 'Internal Server Error' });
    },
    // Refuses for another reason than the client's authentication.
    '/bad-scope/token': (request, res, body) => {
      record('bad-scope', request, body);
      refuse(res, 400, 'invalid_scope');
    },
  });
});
afterAll(() => server.close());

const manager = (endpoint: string, credentials = CLIENT, learnt: string[] = []) =>
  new TokenManager(credentials, `${server.url}/${endpoint}/token`, (secret) => learnt.push(secret), 5_000);

describe('client authentication at the token endpoint (RFC 6749 §2.3.1)', () => {
  it('sends client_secret_basic first: the id and secret form-encoded in the header, not in the body', async () => {
    seen.delete('basic-only');
    const tokens = manager('basic-only');
    expect(tokens.clientAuthentication).toBeUndefined();
    expect(await tokens.token()).toMatch(/^issued-token-/);
    expect(tokens.clientAuthentication).toBe('client_secret_basic');
    expect(seen.get('basic-only')).toEqual([
      { authorization: `Basic ${BASIC}`, form: { grant_type: 'client_credentials' } },
    ]);
  });

  it('falls back to client_secret_post once when Basic is refused, and keeps to it for the run', async () => {
    seen.delete('post-only');
    const tokens = manager('post-only');
    expect(await tokens.token()).toMatch(/^issued-token-/);
    expect(tokens.clientAuthentication).toBe('client_secret_post');
    await tokens.token(true);
    const requests = seen.get('post-only') ?? [];
    expect(requests.map((r) => [r.authorization === null ? 'form' : 'basic', r.form.client_secret])).toEqual([
      ['basic', undefined],
      ['form', CLIENT.clientSecret],
      // The refresh goes straight to the way that worked.
      ['form', CLIENT.clientSecret],
    ]);
    expect(requests[1]?.form).toEqual({
      grant_type: 'client_credentials',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    });
  });

  it('takes 400 invalid_request as a refusal of Basic too', async () => {
    seen.delete('post-only-400');
    const tokens = manager('post-only-400');
    expect(await tokens.token()).toMatch(/^issued-token-/);
    expect(tokens.clientAuthentication).toBe('client_secret_post');
    expect(seen.get('post-only-400')).toHaveLength(2);
  });

  it('still refuses wrong credentials clearly, after trying both ways once', async () => {
    seen.delete('post-only');
    seen.delete('basic-only');
    const wrong = { clientId: CLIENT.clientId, clientSecret: 'not-the-secret-0123456789' };
    for (const endpoint of ['post-only', 'basic-only']) {
      const tokens = manager(endpoint, wrong);
      const error = await tokens.token().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as AuthError).code).toBe('TOKEN_REFUSED');
      expect((error as Error).message).toMatch(
        /refused the client credentials \(HTTP 401(, then 400)?\) both as client_secret_basic \(invalid_client\) and as client_secret_post \((invalid_client|invalid_request)\); check the client id and secret$/,
      );
      expect(tokens.clientAuthentication).toBeUndefined();
      expect(seen.get(endpoint)).toHaveLength(2);
    }
  });

  it('keeps to the way that worked: a later refusal of it is not retried the other way', async () => {
    seen.delete('rotating');
    postOpen = true;
    const tokens = manager('rotating');
    await tokens.token();
    expect(tokens.clientAuthentication).toBe('client_secret_post');
    postOpen = false;
    const error = await tokens.token(true).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /refused the client credentials \(HTTP 401 invalid_client\) sent as client_secret_post, the way it took earlier in the run; check the client id and secret$/,
    );
    expect(seen.get('rotating')).toHaveLength(3);
  });

  it('says what Basic met when the fallback fails some other way', async () => {
    const error = await manager('post-fails')
      .token()
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /refused the client credentials \(HTTP 500, sent as client_secret_post after it refused client_secret_basic with HTTP 401 invalid_client\)/,
    );
  });

  it('does not fall back when the refusal is about something else (invalid_scope)', async () => {
    seen.delete('bad-scope');
    const error = await manager('bad-scope')
      .token()
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/refused the client credentials \(HTTP 400 invalid_scope\)/);
    expect(seen.get('bad-scope')).toHaveLength(1);
  });

  it('learns the Basic credential as a secret, so no echo of it reaches the evidence', () => {
    const learnt: string[] = [];
    manager('basic-only', CLIENT, learnt);
    expect(learnt).toContain(BASIC);
    expect(learnt).toContain(`Basic ${BASIC}`);
    const redactor = new Redactor(new Set(), learnt);
    expect(redactor.text(`you sent Basic ${BASIC}`)).toBe('you sent [redacted]');
  });
});

describe('pre-flight says how the client authenticated', () => {
  const reference: Reference = {
    profile: { id: 'tiny', version: '1.0.0', datasets: [], operations: { required: [], optional: [] } },
    document: { openapi: '3.1.0', info: { title: 'tiny', version: '1.0.0' }, paths: {} },
    sha256: '0'.repeat(64),
  };
  const run = (endpoint: string, credentials = CLIENT) =>
    runConformance({
      config: resolveRunConfig({
        target: server.url,
        credentials,
        tokenUrl: `${server.url}/${endpoint}/token`,
        requestsPerSecond: 1000,
      }),
      reference,
      checks: [],
      runner: { name: 'token-test', version: '0' },
      personalFields: new Set(),
      dryRun: true,
    });

  it('passes a Basic-only token endpoint, naming client_secret_basic', async () => {
    const report = await run('basic-only');
    expect(report.preflight.find((s) => s.step === 'credentials')).toEqual({
      step: 'credentials',
      ok: true,
      message: 'a token was obtained with client_secret_basic',
    });
    expect(JSON.stringify(report)).not.toContain(BASIC);
  });

  it('warns, without failing, when only client_secret_post worked: the baseline requires Basic', async () => {
    const report = await run('post-only');
    const step = report.preflight.find((s) => s.step === 'credentials');
    expect(step?.warning).toBe(true);
    expect(step?.message).toMatch(
      /^a token was obtained only with client_secret_post .*refused client_secret_basic.*Council API Baseline 1\.1 §2 requires/,
    );
    expect(report.certifiableReasons).toEqual(['dry run: pre-flight only']);
  });

  it('fails pre-flight when the secret is wrong', async () => {
    const error = await run('basic-only', { ...CLIENT, clientSecret: 'wrong-secret-0123456789' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toMatch(
      /credentials: .*refused the client credentials \(HTTP 401, then 400\) both as client_secret_basic \(invalid_client\) and as client_secret_post \(invalid_request\)/,
    );
  });
});
