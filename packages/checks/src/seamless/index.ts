import type { Check } from '@council-conform/runner';
import { seamlessErrorShape } from './seamless-error-shape.ts';
import { seamlessPaginationShape } from './seamless-pagination-shape.ts';

export const SEAMLESS_CHECKS: readonly Check[] = [seamlessErrorShape, seamlessPaginationShape];
