export { createMemoryRecordStore } from './memory-store.ts';
export {
  DEFAULT_MIGRATIONS_TABLE,
  MIGRATIONS,
  type MigrateOptions,
  type Migration,
  migrate,
  migrationLockKey,
} from './migrations.ts';
export {
  modifiedAtOf,
  type RecordPage,
  type RecordPageQuery,
  type RecordScope,
  type RecordStore,
  type StoredRecord,
} from './record-store.ts';
export {
  describeDatabaseUrl,
  describeStorage,
  openPglite,
  openPostgres,
  type SqlClient,
  StorageConnectionError,
} from './sql.ts';
export { type OpenRecordStoreOptions, openRecordStore } from './sql-store.ts';
