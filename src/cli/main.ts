#!/usr/bin/env node
/**
 * The `signwire` command: runs the subcommand `run-command.ts` dispatches
 * to and exits with its code.
 *
 * @example
 * signwire request http://127.0.0.1:8000/api/whoami --key-id demo --keys signwire.keys.json
 */
import { runCommand } from './run-command.ts';

runCommand(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`signwire: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
