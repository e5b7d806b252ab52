export {
  buildRunnerImage,
  imageSizeBytes,
  RUNNER_IMAGE,
  RUNNER_WORKDIR,
  type RunnerImage,
  SUPPLIER_PACKAGE_ENTRY,
} from './image.ts';
