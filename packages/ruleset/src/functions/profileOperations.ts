import { operationsOf } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

export interface ProfileOperationsOptions {
  readonly profile: string;
  readonly operations: readonly string[];
}

/** The description offers every operation the profile (the kind of system a council is buying) requires. */
export const profileOperations = createRulesetFunction<unknown, ProfileOperationsOptions>(
  {
    input: { type: 'object' },
    options: {
      type: 'object',
      additionalProperties: false,
      required: ['profile', 'operations'],
      properties: {
        profile: { type: 'string' },
        operations: { type: 'array', items: { type: 'string' } },
      },
    },
  },
  function profileOperations(document, options) {
    const present = new Set(operationsOf(document).map((op) => op.operation.operationId));
    const results: IFunctionResult[] = options.operations
      .filter((operationId) => !present.has(operationId))
      .map((operationId) => ({
        message: `Profile ${options.profile} requires operation ${operationId}, which this description lacks.`,
        path: ['paths'],
      }));
    return results;
  },
);
