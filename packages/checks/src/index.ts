export { CHECK_REGISTRY, CHECKS } from './catalogue.ts';
export { loadReference, personalFieldNames, personalFieldsOf } from './reference.ts';
