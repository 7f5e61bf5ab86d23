/**
 * The key of the signed scenario: the signed servers verify with it, the
 * harness (bench/signed-requests.ts) signs with it. An hmac-sha256 secret,
 * as `signwire keygen` would write one.
 */
export const KEY_ID = 'bench';
export const SECRET = 'bench-secret-7c1e52a9d04f4b8e9a3f6d21c0b7e845';
