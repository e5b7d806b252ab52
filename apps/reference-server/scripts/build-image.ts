/** `pnpm --filter @council-conform/reference-server image [tag]`: builds the reference server's image. */
import { buildReferenceServerImage, REFERENCE_IMAGE } from '../src/image.ts';

const tag = process.argv[2] ?? REFERENCE_IMAGE;
try {
  const started = Date.now();
  await buildReferenceServerImage(tag);
  console.log(`built ${tag} in ${((Date.now() - started) / 1000).toFixed(1)} s (FROM scratch, no registry)`);
} catch (error) {
  console.error(`image: ${(error as Error).message}`);
  process.exitCode = 1;
}
