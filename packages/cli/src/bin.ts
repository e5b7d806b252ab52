#!/usr/bin/env node
import { endQuietlyWhenOutputCloses, processIo } from './io.ts';
import { runCli } from './program.ts';

endQuietlyWhenOutputCloses();
process.exitCode = await runCli(process.argv.slice(2), processIo);
