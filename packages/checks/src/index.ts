export { CHECK_REGISTRY, CHECKS } from './catalogue.ts';
export { canonicalJson, loadReference, personalFieldNames, personalFieldsOf } from './reference.ts';
