import { describe, it } from 'vitest';
import { isLoopback } from '../src/index.ts';

describe('isLoopback', () => {
  it.for([
    'http://localhost:8080/',
    'http://LOCALHOST./',
    'http://api.localhost/',
    'http://127.0.0.1/',
    'http://127.45.6.7:9/',
    'http://[::1]:3000/',
    'http://0.0.0.0:3000/',
  ])('takes %s for this machine', (url, { expect }) => {
    expect(isLoopback(new URL(url))).toBe(true);
  });

  it.for([
    'https://api.council.example/',
    'http://128.0.0.1/',
    'http://localhost.council.example/',
    'http://[::2]/',
    'http://10.0.0.1/',
  ])('does not take %s for this machine', (url, { expect }) => {
    expect(isLoopback(new URL(url))).toBe(false);
  });
});
