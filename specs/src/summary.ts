import { listOperations } from '@council-conform/openapi';
import type { LoadedSpec } from './index.ts';

export interface SpecSummary {
  id: string;
  title: string;
  version: string;
  operations: number;
  requiredOperations: number;
  datasets: string[];
  standard: string;
  alignment: string;
  tier: string;
}

export function summariseSpec(spec: LoadedSpec): SpecSummary {
  const { profile, document } = spec;
  return {
    id: spec.id,
    title: profile.title,
    version: profile.version,
    operations: listOperations(document).length,
    requiredOperations: profile.operations.required.length,
    datasets: profile.datasets.map((dataset) => dataset.id),
    standard: `${profile.standard.name} ${profile.standard.version}`,
    alignment: profile.standard.alignment,
    tier: profile.tier,
  };
}
