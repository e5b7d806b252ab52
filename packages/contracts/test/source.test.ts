import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegisterError } from '../src/register.ts';
import { readRegisterSource } from '../src/source.ts';

const REGISTER = 'Contract reference number,Title,End date,Supplier name\r\nR-1,A,31/03/2029,B\r\n';
let dir: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conform-contracts-'));
  server = createServer((request, response) => {
    if (request.url === '/register.csv') {
      response.writeHead(200, { 'content-type': 'text/csv' });
      response.end(REGISTER);
    } else if (request.url === '/moved') {
      response.writeHead(302, { location: '/register.csv' });
      response.end();
    } else if (request.url === '/endless') {
      // No length declared, and more than the cap: the reader must count for itself.
      response.writeHead(200, { 'content-type': 'text/csv' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = () => {
        while (response.write(chunk)) if (response.destroyed) return;
        response.once('drain', pump);
      };
      response.on('error', () => undefined);
      pump();
    } else if (request.url === '/declared-huge') {
      response.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
      response.write('a');
    } else if (request.url === '/slow') {
      // Headers, then nothing: the time limit has to end it.
      response.writeHead(200, { 'content-type': 'text/csv' });
      response.write('Contract reference number');
    } else {
      response.writeHead(404);
      response.end('not here');
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<RegisterError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RegisterError) return error;
    throw error;
  }
  throw new Error('expected a RegisterError');
}

describe('readRegisterSource', () => {
  it('reads a file, citing only its name as the source', async () => {
    await writeFile(join(dir, 'camden-contracts.csv'), REGISTER);
    const read = await readRegisterSource('camden-contracts.csv', { cwd: dir });
    expect(Buffer.from(read.bytes).toString('utf8')).toBe(REGISTER);
    expect(read).toMatchObject({ source: 'camden-contracts.csv', kind: 'file' });
  });

  it('fetches a URL, following redirects, citing the URL as the source', async () => {
    const read = await readRegisterSource(`${base}/moved`);
    expect(Buffer.from(read.bytes).toString('utf8')).toBe(REGISTER);
    expect(read).toMatchObject({ source: `${base}/moved`, kind: 'url' });
  });

  it('stops at the size cap, whether the server declares its size or not', async () => {
    const streamed = await failure(readRegisterSource(`${base}/endless`, { maxBytes: 1024 * 1024 }));
    expect(streamed.code).toBe('REGISTER_TOO_LARGE');
    expect(streamed.message).toContain('is larger than 1 MB');
    const declared = await failure(readRegisterSource(`${base}/declared-huge`));
    expect(declared.code).toBe('REGISTER_TOO_LARGE');
    await writeFile(join(dir, 'big.csv'), Buffer.alloc(2 * 1024 * 1024, 'a'));
    expect((await failure(readRegisterSource(join(dir, 'big.csv'), { maxBytes: 1024 * 1024 }))).code).toBe(
      'REGISTER_TOO_LARGE',
    );
  });

  it('says what went wrong with a URL: an HTTP error, no answer in time, nothing listening', async () => {
    const missing = await failure(readRegisterSource(`${base}/nowhere.csv`));
    expect(missing.message).toBe(`${base}/nowhere.csv answered HTTP 404, not the register`);
    const slow = await failure(readRegisterSource(`${base}/slow`, { timeoutMs: 300 }));
    expect(slow.code).toBe('REGISTER_FETCH_FAILED');
    expect(slow.message).toContain('within 0.3 s');
    const closed = await failure(readRegisterSource('http://127.0.0.1:1/register.csv'));
    expect(closed.code).toBe('REGISTER_FETCH_FAILED');
    expect(closed.message).toMatch(/^http:\/\/127\.0\.0\.1:1\/register\.csv cannot be fetched: /);
  });

  it('refuses a scheme other than http(s), a missing file and a folder', async () => {
    expect((await failure(readRegisterSource('ftp://example.org/register.csv'))).message).toBe(
      '"ftp://example.org/register.csv" is a ftp URL: give an http(s) URL or a file',
    );
    const missing = await failure(readRegisterSource(join(dir, 'no-such.csv')));
    expect(missing.code).toBe('REGISTER_UNREADABLE');
    expect(missing.message).toContain('no-such.csv cannot be read');
    expect((await failure(readRegisterSource(dir))).message).toBe(`${dir} is not a file`);
  });
});
