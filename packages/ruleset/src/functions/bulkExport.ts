import { operationsOf } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/** The Council API Baseline's self-serve bulk export, by method and path shape. */
export const EXPORT_OPERATIONS = [
  {
    method: 'post',
    shape: /^\/exports\/?$/,
    label: 'POST /exports',
    operationId: 'startExport',
    does: 'starts an export of every dataset',
  },
  {
    method: 'get',
    shape: /^\/exports\/\{[^}/]+\}\/?$/,
    label: 'GET /exports/{exportId}',
    operationId: 'getExport',
    does: 'reports progress and the manifest',
  },
  {
    method: 'get',
    shape: /^\/exports\/\{[^}/]+\}\/files\/\{[^}/]+\}\/?$/,
    label: 'GET /exports/{exportId}/files/{fileName}',
    operationId: 'getExportFile',
    does: 'downloads each file',
  },
] as const;

/** The council can take all of its data itself: the three bulk export operations are described. */
export const bulkExport = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function bulkExport(document) {
    const operations = operationsOf(document);
    const results: IFunctionResult[] = [];
    for (const wanted of EXPORT_OPERATIONS) {
      if (operations.some((op) => op.method === wanted.method && wanted.shape.test(op.urlPath))) continue;
      results.push({
        message: `No ${wanted.label} (baseline ${wanted.operationId}, which ${wanted.does}): the council must be able to export all of its data itself, whenever it wants.`,
        path: ['paths'],
      });
    }
    return results;
  },
);
