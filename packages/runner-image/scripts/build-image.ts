/** `pnpm --filter @council-conform/runner-image image [tag]`: builds the runner image. */
import { buildRunnerImage, imageSizeBytes, RUNNER_IMAGE } from '../src/index.ts';

const tag = process.argv[2] ?? RUNNER_IMAGE;
try {
  const started = Date.now();
  const image = await buildRunnerImage(tag);
  const megabytes = (await imageSizeBytes(tag)) / 1e6;
  console.log(
    `built ${tag} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${megabytes.toFixed(0)} MB (FROM scratch, no registry${image.nodeStripped ? '' : '; Node not stripped, install binutils for a smaller image'})`,
  );
} catch (error) {
  console.error(`image: ${(error as Error).message}`);
  process.exitCode = 1;
}
