/**
 * Test helper: a self-signed certificate made by openssl at test time, for
 * the HTTPS tests (callers first check `requireBinary(t, 'openssl')`).
 */
import { X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { run, tempDir } from './clients.ts';

export interface Certificate {
  readonly key: Buffer;
  readonly cert: Buffer;
  readonly keyFile: string;
  readonly certFile: string;
  /** SHA-256 fingerprint, as `tls.TLSSocket#getPeerCertificate().fingerprint256` gives it. */
  readonly fingerprint: string;
}

/**
 * A self-signed P-256 certificate for 127.0.0.1 and localhost, in a temp dir removed when the test ends.
 *
 * @example
 * if (!requireBinary(t, 'openssl')) return;
 * const { key, cert } = await selfSigned(t);
 */
export async function selfSigned(t: TestContext): Promise<Certificate> {
  const dir = tempDir(t, 'signwire-cert-');
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  const cert = readFileSync(certFile);
  return { key: readFileSync(keyFile), cert, keyFile, certFile, fingerprint: new X509Certificate(cert).fingerprint256 };
}

/**
 * Puts `renewed`'s key and certificate in place of `current`'s files (a certificate renewal as a server sees it).
 *
 * @example
 * renewInPlace(served, renewed); // then SIGHUP the server
 */
export function renewInPlace(current: Certificate, renewed: Certificate): void {
  copyFileSync(renewed.keyFile, current.keyFile);
  copyFileSync(renewed.certFile, current.certFile);
}
