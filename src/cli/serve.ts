/**
 * `signwire serve`: runs the server until SIGINT / SIGTERM, then shuts down
 * gracefully. Until the demo app exists it serves a hello world.
 */
import { parseArgs } from 'node:util';
import { createServer } from '../wire/server.ts';

const HELP = `usage: signwire serve [--port 8000] [--host 127.0.0.1]

  --port N     TCP port to listen on (default 8000; 0 picks a free one)
  --host ADDR  address to bind (default 127.0.0.1)`;

/** Runs `signwire serve`; resolves with the exit code once the server has stopped. */
export async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '8000' },
      host: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    console.log(HELP);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`signwire serve: --port must be an integer from 0 to 65535, got "${values.port}"`);
    return 2;
  }
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end('Hello, World!\n');
  });
  await server.listen({ port, host: values.host });
  const shown = values.host.includes(':') ? `[${values.host}]` : values.host;
  console.log(`Serving HTTP on http://${shown}:${server.port} ...`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log('Shutting down ...');
  await server.close({ graceMs: 5_000 });
  return 0;
}
