import { directoryHub } from './directory-hub/index.ts';
import { highwaysClassic } from './highways-classic/index.ts';
import { licensingGateway } from './licensing-gateway/index.ts';
import { open311Works } from './open311-works/index.ts';
import { repairsDirect } from './repairs-direct/index.ts';
import { repairsLegacyMigrated } from './repairs-legacy-migrated/index.ts';
import type { IndependentSupplier } from './supplier.ts';

/** Every independent supplier, each in its own folder. Add one by importing it and appending it here. */
export const SUPPLIERS: readonly IndependentSupplier[] = [
  open311Works,
  highwaysClassic,
  directoryHub,
  repairsDirect,
  repairsLegacyMigrated,
  licensingGateway,
];
