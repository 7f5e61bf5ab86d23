/**
 * `signwire keygen`: makes a key and adds it to a keys file (the format
 * `loadKeys` reads), creating the file if needed.
 *
 *   hmac-sha256            a random 32-byte secret, base64url, stored in the keys
 *                          file (server and client share it)
 *   ed25519,
 *   ecdsa-p256-sha256      a key pair: the public key (SPKI PEM) goes into the keys
 *                          file; the private key (PKCS#8 PEM, mode 0600) into
 *                          ID.private.pem in the keys file's directory
 *
 * It never overwrites: an id already in the file, or an existing private
 * key file, is a usage error.
 *
 * @example
 * signwire keygen --alg ed25519 --id partner-a --out config/signwire.keys.json
 * # → config/signwire.keys.json (public key) and config/partner-a.private.pem
 */
import { generateKeyPairSync, randomBytes, type KeyPairKeyObjectResult } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseKeys } from '../sign/keys/load-keys.ts';
import { shellQuote } from './curl-command.ts';
import { UsageError } from './usage-error.ts';

const DEFAULT_KEYS_FILE = 'signwire.keys.json';

/** How each algorithm keygen offers makes a key pair (hmac-sha256 has a secret instead). */
const KEY_PAIRS: Readonly<Record<string, () => KeyPairKeyObjectResult>> = {
  ed25519: () => generateKeyPairSync('ed25519'),
  'ecdsa-p256-sha256': () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
};

const HELP = `usage: signwire keygen [--alg hmac-sha256|ed25519|ecdsa-p256-sha256] [--id ID] [--out FILE]

Makes a key and adds it to a keys file (created if needed), the file the
server reads with loadKeys() and signwire verify --keys.

  --alg ALG    hmac-sha256 (default): a random 32-byte secret, stored in the keys file
               ed25519 | ecdsa-p256-sha256: a key pair; the public key goes into the
               keys file, the private key into ID.private.pem beside it (mode 0600)
  --id ID      the key id: letters, digits, ".", "_", "-" (default: key-<random hex>)
  --out FILE   the keys file (default: ${DEFAULT_KEYS_FILE})`;

interface KeysFile {
  keys: Record<string, unknown>;
}

/**
 * Runs `signwire keygen`; resolves with the exit code.
 *
 * @example
 * await keygen(['--alg', 'ed25519', '--id', 'partner-a']); // 0
 */
export async function keygen(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { alg: { type: 'string', default: 'hmac-sha256' }, id: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]!}"`);
  const alg = values.alg;
  if (alg !== 'hmac-sha256' && !Object.hasOwn(KEY_PAIRS, alg)) throw new UsageError(`--alg must be hmac-sha256, ${Object.keys(KEY_PAIRS).join(' or ')}; got "${alg}"`);
  const id = values.id ?? `key-${randomBytes(4).toString('hex')}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(id)) throw new UsageError(`--id "${id}" must be 1-64 letters, digits, ".", "_" or "-" (starting with a letter or digit)`);
  const out = values.out ?? DEFAULT_KEYS_FILE;
  const existing = await readKeysFile(out);
  if (existing !== undefined && Object.hasOwn(existing.keys, id)) throw new UsageError(`${out} already has a key "${id}"; choose another --id`);
  const keysFile = existing ?? { keys: {} };
  const privateFile = alg === 'hmac-sha256' ? undefined : join(dirname(out), `${id}.private.pem`);
  keysFile.keys[id] = privateFile === undefined ? { alg, secret: randomBytes(32).toString('base64url') } : await writeKeyPair(alg, privateFile);
  await writeKeysFile(out, keysFile, privateFile);
  report({ id, alg, out, privateFile, created: existing === undefined });
  return 0;
}

/** The keys file's content, or undefined when there is no such file. Anything else that is wrong is a usage error. */
async function readKeysFile(file: string): Promise<KeysFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    const content = JSON.parse(text) as KeysFile;
    parseKeys(content);
    return content;
  } catch (error) {
    throw new UsageError(`${file} is not a valid keys file (${(error as Error).message}); choose another --out`);
  }
}

/** Writes the keys file; when it cannot be written, the private key just written goes too (it would match no entry). */
async function writeKeysFile(out: string, keysFile: KeysFile, privateFile: string | undefined): Promise<void> {
  try {
    await writeFile(out, `${JSON.stringify(keysFile, null, 2)}\n`, { mode: 0o600 });
  } catch (error) {
    if (privateFile !== undefined) await rm(privateFile, { force: true });
    throw new UsageError(`cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** Writes the private key (never over an existing file) and returns the keys file entry. */
async function writeKeyPair(alg: string, privateFile: string): Promise<{ alg: string; publicKey: string }> {
  const { privateKey, publicKey } = KEY_PAIRS[alg]!();
  try {
    await writeFile(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'EEXIST' ? `${privateFile} already exists; choose another --id` : `cannot write ${privateFile}: ${code ?? String(error)}`);
  }
  return { alg, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

function report(what: { id: string; alg: string; out: string; privateFile: string | undefined; created: boolean }): void {
  const { id, alg, out, privateFile } = what;
  const verb = what.created ? 'Created' : 'Updated';
  if (privateFile === undefined) {
    console.log(`${verb} ${out} with the ${alg} key "${id}" (a shared secret: keep the file private)`);
  } else {
    console.log(`${verb} ${out} with the ${alg} public key "${id}"`);
    console.log(`Wrote its private key to ${privateFile} (mode 0600): it belongs to the client only`);
  }
  const clientKey = privateFile === undefined ? `--keys ${shellQuote(out)}` : `--private-key ${shellQuote(privateFile)}`;
  console.log(`  server: verifySignature({ keys: await loadKeys(${JSON.stringify(out)}) })`);
  console.log(`  client: signwire request URL --key-id ${id} ${clientKey}`);
}
