/**
 * Shared by every bench server: tells the harness the bound port on stdout,
 * runs a full GC when it reads the line `gc` on stdin (with --expose-gc), and
 * exits when stdin closes, so no server outlives the harness.
 */
export function ready(port) {
  process.stdout.write(`listening ${port}\n`);
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (text) => {
    for (const line of text.split('\n')) {
      if (line !== 'gc') continue;
      globalThis.gc?.();
      process.stdout.write('gc done\n');
    }
  });
  process.stdin.on('end', () => process.exit(0));
}
