export { ConfigurationError, type ReferenceServerConfig, readConfig, SERVER_ENV } from './config.ts';
export { buildReferenceServerImage, bundleReferenceServer, REFERENCE_IMAGE } from './image.ts';
export {
  createReferenceServer,
  listenReferenceServer,
  type ReferenceServer,
  type RunningReferenceServer,
} from './server.ts';
