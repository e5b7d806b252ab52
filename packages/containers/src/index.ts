export {
  ContainerEngineError,
  configureTestcontainers,
  containerEngine,
  requireContainerEngine,
} from './engine.ts';
export { buildScratchNodeImage, type ScratchNodeImageOptions, sharedLibrariesOf } from './image.ts';
export {
  freePort,
  type SupplierContainer,
  SupplierContainerError,
  type SupplierContainerOptions,
  startSupplierContainer,
} from './supplier-container.ts';
