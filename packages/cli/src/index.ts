export { EXIT, UsageError } from './errors.ts';
export { type CliIo, processIo } from './io.ts';
export { CLI_VERSION, createProgram, runCli } from './program.ts';
export { formatTable } from './table.ts';
