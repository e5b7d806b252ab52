export { CHECK_REGISTRY, CHECKS } from './catalogue.ts';
export { datasetQuality, measureDataQuality } from './data-quality.ts';
export { loadReference, personalFieldNames, personalFieldsOf } from './reference.ts';
