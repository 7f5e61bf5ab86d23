/**
 * Property tests of `keygen` and `serve` arguments, run in-process through
 * the same dispatcher as the executable: `keygen` command lines mutated
 * with hostile tokens write a keys file `loadKeys` reads, keeping the keys
 * already in it, or exit 2 with one line on stderr and change no file;
 * `--port` (or PORT) and `--workers` are checked against a simple model of
 * what is valid.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseServeArgs } from '../../src/cli/serve-args.ts';
import { MAX_WORKERS } from '../../src/cluster/options.ts';
import { loadKeys } from '../../src/sign/keys/load-keys.ts';
import { asksForHelp, dir, hostileValue, mutate, mutations, useKeyFiles } from './arguments.fixture.ts';
import { failureProblem, runInProcess } from './run-in-process.ts';

useKeyFiles();

/** Every file in `root` (and below, when `recursive`) and its content, to tell whether a failed command changed anything. */
function snapshot(root: string, recursive = true, files = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(root, { recursive, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile()) files.set(path, readFileSync(path, 'latin1'));
  }
  return files;
}

describe('keygen with mutated command lines', () => {
  const KEYGEN_FLAGS = ['--alg', '--id', '--out'];
  const existing = { keys: { a: { alg: 'hmac-sha256', secret: 'kept' } } };

  test('keygen writes a keys file loadKeys reads, keeping its keys, or exits 2 with one line and changes no file', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('hmac-sha256', 'ed25519', 'ecdsa-p256-sha256', 'rsa-pss-sha512', 'HMAC-SHA256', ''),
        fc.constantFrom('key1', 'a', 'x.y_z-1', '-lead', '../up', 'a/b', 'é', '', 'k'.repeat(65)),
        fc.constantFrom('new.json', 'existing.json', 'bad.json', 'array.json', 'no/such/dir/keys.json', '.'),
        mutations(KEYGEN_FLAGS, []),
        async (alg, id, out, changes) => {
          const own = join(dir, `keygen-${(run += 1)}`);
          mkdirSync(own);
          writeFileSync(join(own, 'existing.json'), JSON.stringify(existing));
          writeFileSync(join(own, 'bad.json'), '{"keys":');
          writeFileSync(join(own, 'array.json'), '[]');
          const args = mutate(['--alg', alg, '--id', id, '--out', join(own, out)], changes);
          if (args.some(asksForHelp)) return;
          const before = snapshot(own, true, snapshot(dir, false));
          const result = await runInProcess(['keygen', ...args]);
          const context = `${JSON.stringify(args)} → ${result.code}\n${result.stdout}${result.stderr}`;
          if (result.code !== 0) {
            assert.equal(result.code, 2, context);
            assert.equal(failureProblem('keygen', result), undefined, context);
            assert.deepEqual(snapshot(own, true, snapshot(dir, false)), before, `a failed keygen changed files: ${context}`);
            return;
          }
          const made = /^(Created|Updated) ([\s\S]+) with the (\S+) (?:public )?key "([^"]+)"/.exec(result.stdout);
          assert.ok(made !== null, context);
          const [, verb, file, madeAlg, madeId] = made;
          const keys = await loadKeys(file!);
          assert.equal(keys[madeId!]?.alg, madeAlg, context);
          const previous = before.get(resolve(file!));
          assert.equal(verb === 'Updated', previous !== undefined, context);
          if (previous !== undefined) {
            for (const [keyId, entry] of Object.entries((JSON.parse(previous) as { keys: Record<string, unknown> }).keys)) assert.deepEqual(JSON.parse(readFileSync(file!, 'utf8')).keys[keyId], entry, context);
          }
        },
      ),
      { numRuns: 300, includeErrorInReport: true },
    );
  });
});

describe('serve arguments', () => {
  const portText = fc.oneof(fc.stringMatching(/^[0-9]{1,7}$/), hostileValue());
  const workersText = fc.oneof(fc.constantFrom('auto', '1', '2', String(MAX_WORKERS), String(MAX_WORKERS + 1), '0', '01', '1.5', '-1', '99999', 'AUTO'), hostileValue());

  test('--port is taken iff it is digits up to 65535, --workers iff "auto" or a positive integer; else exit 2 with one line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(portText, { nil: undefined }), fc.option(workersText, { nil: undefined }), fc.option(portText, { nil: undefined }), async (port, workers, env) => {
        const args = [...(port === undefined ? [] : [`--port=${port}`]), ...(workers === undefined ? [] : [`--workers=${workers}`]), '--quiet'];
        const saved = process.env['PORT'];
        if (env === undefined) delete process.env['PORT'];
        else process.env['PORT'] = env;
        try {
          const text = port ?? env ?? '8000';
          const portOk = /^[0-9]+$/.test(text) && Number(text) <= 65535;
          const workersOk = workers === undefined || workers === 'auto' || (/^[1-9][0-9]*$/.test(workers) && Number(workers) <= MAX_WORKERS);
          let options: ReturnType<typeof parseServeArgs> | undefined;
          try {
            options = parseServeArgs(args);
          } catch {
            // checked below, through the command
          }
          assert.equal(options !== undefined, portOk && workersOk, `${JSON.stringify(args)} PORT=${JSON.stringify(env)}`);
          if (options !== undefined) {
            assert.equal(options.port, Number(text));
            return; // valid: serving is not this property's business (it would listen)
          }
          const result = await runInProcess(['serve', ...args]);
          assert.equal(result.code, 2, result.stderr);
          assert.equal(failureProblem('serve', result), undefined, result.stderr);
        } finally {
          if (saved === undefined) delete process.env['PORT'];
          else process.env['PORT'] = saved;
        }
      }),
      { numRuns: 1000, includeErrorInReport: true },
    );
  });
});
