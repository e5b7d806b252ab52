#!/usr/bin/env node
import { endQuietlyWhenOutputCloses, processIo } from '@council-conform/cli';
import { runOperatorCli } from './program.ts';

endQuietlyWhenOutputCloses();
process.exitCode = await runOperatorCli(process.argv.slice(2), processIo);
