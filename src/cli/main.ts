#!/usr/bin/env node
/**
 * The `signwire` command. Each subcommand lives in its own file; this one
 * only dispatches and turns usage errors into a message and exit code 2.
 *
 * @example
 * signwire serve --port 8000
 */
import { serve } from './serve.ts';

const USAGE = `usage: signwire <command> [options]

commands:
  serve [--port 8000] [--host 127.0.0.1]   run the server

run "signwire <command> --help" for a command's options`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  switch (command) {
    case 'serve':
      return serve(rest);
    default:
      console.error(`signwire: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`signwire: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
