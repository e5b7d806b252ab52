import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/index.ts';
import { fromUserCwd, userCwd } from '../src/user-cwd.ts';
import { capture, repoRoot } from './support.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

const underWorkspaceScript = (typedIn: string) => ({
  INIT_CWD: typedIn,
  npm_package_name: 'council-conform',
  npm_lifecycle_event: 'conform',
});

describe('where the paths a user types start', () => {
  it("is the folder `pnpm conform` was typed in, which this workspace's script names INIT_CWD", () => {
    const env = underWorkspaceScript('/home/supplier/api');
    expect(userCwd(env)).toBe('/home/supplier/api');
    expect(fromUserCwd('../specs/x.yaml', env)).toBe('/home/supplier/specs/x.yaml');
    expect(fromUserCwd('/abs/x.yaml', env)).toBe('/abs/x.yaml');
  });

  it("is the process's own folder for an installed conform, even inside another package's npm script", () => {
    expect(userCwd({})).toBe(process.cwd());
    // `npm run conform:check` typed in a subfolder runs the script in the package's folder, where its paths start.
    const supplierScript = {
      ...underWorkspaceScript('/home/supplier/api/sub'),
      npm_package_name: 'acme-api',
    };
    expect(userCwd(supplierScript)).toBe(process.cwd());
    const otherScript = { ...underWorkspaceScript('/home/supplier/api/sub'), npm_lifecycle_event: 'test' };
    expect(userCwd(otherScript)).toBe(process.cwd());
  });

  it('lets `pnpm conform lint ../specs/…` typed in apps/ read the file beside apps/', async () => {
    for (const [name, value] of Object.entries(underWorkspaceScript(join(repoRoot, 'apps'))))
      vi.stubEnv(name, value);
    const io = capture();
    const code = await runCli(['lint', '../specs/street-reports/openapi.yaml', '--format', 'json'], io);
    expect(io.stderr()).not.toMatch(/cannot be read/);
    expect([0, 1]).toContain(code);
    expect((JSON.parse(io.stdout()) as { source: string }).source).toMatch(/street-reports\/openapi\.yaml$/);
  });
});
