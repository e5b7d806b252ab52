import { BUDGET } from '@council-conform/test-budgets';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError, integerFromEnv, type ListeningHttp, listenHttp } from '../src/index.ts';

describe('integerFromEnv', () => {
  it('reads a whole number, falls back when unset, and names anything else', () => {
    expect(integerFromEnv({ PORT: '8080' }, 'PORT', 1, 0, 65_535)).toBe(8080);
    expect(integerFromEnv({ PORT: '' }, 'PORT', 1, 0, 65_535)).toBe(1);
    expect(integerFromEnv({}, 'PORT', 1, 0, 65_535)).toBe(1);
    for (const raw of ['80.5', '-1', 'eighty', '65536'])
      expect(() => integerFromEnv({ PORT: raw }, 'PORT', 1, 0, 65_535)).toThrow(
        new ConfigurationError(`PORT must be a whole number from 0 to 65535, not "${raw}"`),
      );
  });
});

describe('listenHttp', () => {
  const open: ListeningHttp[] = [];
  afterEach(async () => {
    for (const server of open.splice(0)) await server.close(100);
  });

  it('serves on a free port and names a port already taken as a configuration mistake', async () => {
    const first = await listenHttp((_, response) => response.end('ok'), {
      port: 0,
      host: '127.0.0.1',
      requestTimeoutMs: 5_000,
      headersTimeoutMs: 2_000,
    });
    open.push(first);
    expect(first.url).toBe(`http://127.0.0.1:${first.port}`);
    expect(await (await fetch(first.url)).text()).toBe('ok');
    await expect(
      listenHttp(() => undefined, {
        port: first.port,
        host: '127.0.0.1',
        requestTimeoutMs: 5_000,
        headersTimeoutMs: 2_000,
      }),
    ).rejects.toThrow(new ConfigurationError(`port ${first.port} on 127.0.0.1 is already in use (PORT)`));
  });

  it('cuts a request still running when the grace is over, so a stop never waits for ever', async () => {
    const server = await listenHttp(() => undefined /* never answers */, {
      port: 0,
      host: '127.0.0.1',
      // Past the test's own budget: a close that waited for this request to time out would never end in time.
      requestTimeoutMs: 2 * BUDGET.unit,
      headersTimeoutMs: 2 * BUDGET.unit,
    });
    const hanging = fetch(server.url).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const began = Date.now();
    await server.close(200);
    // The grace cut the request short instead of the close waiting for it; not that the close was quick.
    expect(Date.now() - began).toBeLessThan(BUDGET.settle);
    expect(await hanging).toBeInstanceOf(Error);
  });
});
