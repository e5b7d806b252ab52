/**
 * `pnpm --filter @council-conform/cli build`: the supplier package in packages/cli/dist/package and its
 * tarball, council-conform-cli-<version>.tgz, in packages/cli/dist (docs/suppliers.md).
 */
import { join, relative } from 'node:path';
import { buildSupplierPackage, CLI_DIR, packSupplierPackage } from './supplier-package.ts';

const distDir = join(CLI_DIR, 'dist');
const built = await buildSupplierPackage(join(distDir, 'package'));
const tarball = await packSupplierPackage(built, distDir);
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
process.stdout.write(
  `${relative(process.cwd(), tarball.path)}: ${megabytes(tarball.size)} packed, ${megabytes(tarball.unpackedSize)} installed, ${tarball.files} files, ${built.bundled.length} third-party packages inlined; ${Math.round(built.startup.bytes / 1024)} KB of code load at start-up\n`,
);
