/**
 * The AWS SigV4 test suite (../shared/vectors/aws-sigv4): canonical
 * requests, strings to sign and signatures by the pure functions, every
 * signed request through the verifier without a socket, and every one that
 * is valid HTTP/1.1 over a real socket. Where ../shared is absent (a clone
 * on its own) the tests skip with a printed reason.
 */
import { test } from 'node:test';
import { vectorsPresent } from './vectors.ts';

if (vectorsPresent()) {
  await import('./vectors.cases.ts');
} else {
  const reason = '../shared/vectors/aws-sigv4 is absent (a clone without ../shared)';
  console.log(`SigV4 suite tests skipped: ${reason}`);
  test('SigV4: the AWS test suite, pure, through the verifier and over a socket', { skip: reason }, () => {});
}
