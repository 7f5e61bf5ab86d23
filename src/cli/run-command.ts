/**
 * The `signwire` dispatcher: runs one subcommand (each lives in its own
 * file, loaded only when it runs) and turns its errors into one line on
 * stderr: usage errors exit 2, anything else 1, never with a stack trace.
 * `main.ts` is the executable around it; tests call it in-process.
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
        [--tls-key FILE --tls-cert FILE]            run the server (the demo without MODULE)
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

/**
 * Runs `signwire ARGV…` and resolves with its exit code; never rejects.
 *
 * @example
 * process.exitCode = await runCommand(['keygen', '--id', 'demo']); // 0
 */
export async function runCommand(argv: readonly string[]): Promise<number> {
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
    const message = oneLine(error instanceof Error ? error.message : String(error));
    if (!isUsageError(error)) {
      console.error(`signwire ${command}: ${message}`);
      return 1;
    }
    console.error(`signwire ${command}: ${message} (see signwire ${command} --help)`);
    return 2;
  }
}

/** The message on one line: line breaks become spaces, other control characters escapes (a value quoted in it may hold any). */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').replace(/[\0-\x08\x0a-\x1f\x7f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
