export { CLAUSES, getClause, isClauseId, PROCUREMENT_ASKS } from './catalogue.ts';
export { type Assessment, CLAUSE_IDS, type Clause, type ClauseId, type ProcurementAsk } from './types.ts';
