#!/usr/bin/env node
/**
 * The `signwire` command. Each subcommand lives in its own file, loaded
 * only when it runs; this one dispatches, and turns errors into one line on
 * stderr: usage errors exit 2, anything else 1, never with a stack trace.
 *
 * @example
 * signwire request http://127.0.0.1:8000/api/whoami --key-id demo --keys signwire.keys.json
 */
import { isUsageError } from './usage-error.ts';

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  serve: async () => (await import('./serve.ts')).serve,
  keygen: async () => (await import('./keygen.ts')).keygen,
  sign: async () => (await import('./sign.ts')).sign,
  request: async () => (await import('./request.ts')).request,
  verify: async () => (await import('./verify.ts')).verify,
};

const USAGE = `usage: signwire <command> [options]

commands:
  serve [MODULE] [--port 8000] [--host 127.0.0.1] [--workers N|auto] [--keys FILE] [--redis URL]
                                                    run the server (the demo without MODULE)
  keygen [--alg ALG] [--id ID] [--out FILE]         make a key and add it to a keys file
  sign [-X METHOD] URL [-d DATA|@FILE] [-H 'Name: value']… --key-id ID KEY [--scheme NAME] [--curl]
                                                    print what signs a request
  request [-X METHOD] URL [-d DATA|@FILE] [-H 'Name: value']… --key-id ID KEY [--scheme NAME] [-i]
                                                    sign and send a request, print the answer
  verify (--keys FILE | --secret S) [--scheme NAME] [RAW_REQUEST_FILE | -]
                                                    check the signature of a raw HTTP request

KEY is one of: --keys FILE (the key id's secret) | --secret S | --private-key FILE (rfc9421)
NAME is rfc9421 (default), classic, sigv4 (with --region R --service S), stripe, slack or github

run "signwire <command> --help" for a command's options`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (load === undefined) {
    console.error(`signwire: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
    if (!isUsageError(error)) {
      console.error(`signwire ${command}: ${message}`);
      return 1;
    }
    console.error(`signwire ${command}: ${message} (see signwire ${command} --help)`);
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
