import { describe, it } from 'vitest';
import { isLoopback } from '../src/index.ts';

describe('isLoopback', () => {
  it.for([
    ['http://localhost:8080/', true],
    ['http://LOCALHOST./', true],
    ['http://api.localhost/', true],
    ['http://127.0.0.1/', true],
    ['http://127.45.6.7:9/', true],
    ['http://[::1]:3000/', true],
    ['http://0.0.0.0:3000/', true],
    ['https://api.council.example/', false],
    ['http://128.0.0.1/', false],
    ['http://localhost.council.example/', false],
    ['http://[::2]/', false],
    ['http://10.0.0.1/', false],
  ] as const)('takes %s for this machine: %s', ([url, local], { expect }) => {
    expect(isLoopback(new URL(url))).toBe(local);
  });
});
