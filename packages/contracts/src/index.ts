export {
  columnOfHeader,
  REGISTER_COLUMNS,
  REGISTER_FIELDS,
  type RegisterColumn,
  type RegisterField,
} from './columns.ts';
export {
  type Council,
  councilOf,
  describeUnknownCouncil,
  GSS_CODE_PATTERN,
  LONDON_COUNCILS,
} from './councils.ts';
export { type CsvProblem, type CsvRecord, type CsvTable, parseCsv } from './csv.ts';
export {
  type ContractRecord,
  type ParsedRegister,
  parseContractsRegister,
  RegisterError,
  type RegisterErrorCode,
  type RowProblem,
} from './register.ts';
export {
  decodeRegister,
  MAX_REGISTER_BYTES,
  REGISTER_FETCH_TIMEOUT_MS,
  type ReadRegisterOptions,
  type RegisterSource,
  readRegisterSource,
} from './source.ts';
export {
  formatPounds,
  isBlank,
  normaliseCompanyNumber,
  parseFlag,
  parseMoney,
  parseRegisterDate,
  supplierNameKey,
  ValueError,
} from './values.ts';
