/**
 * The pure functions of the three webhook formats: the Slack and GitHub
 * worked examples reproduced byte for byte, Stripe's signed payload and
 * header (parsed strictly), and the signers' option checks.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  githubSignature,
  githubSignatureHeaders,
  parseStripeSignatureHeader,
  slackBaseString,
  slackSignatureHeaders,
  stripeSignatureHeader,
  stripeSignedPayload,
} from '../../../src/sign/webhooks/index.ts';
import { NOW, skipVectors, vectors } from './webhook-request.ts';

const HEX_A = 'a'.repeat(64);
const HEX_B = 'B'.repeat(64);

describe('Slack: the worked example of the Slack docs', { skip: skipVectors }, () => {
  const slack = vectors!.slack;

  test('slackBaseString reproduces v0:<timestamp>:<body> byte for byte', () => {
    const expected = slack.basestring.replace('{timestamp}', slack.timestamp).replace('{body}', slack.body);
    assert.deepEqual(slackBaseString(slack.timestamp, slack.body), Buffer.from(expected));
    assert.deepEqual(slackBaseString(Number(slack.timestamp), Buffer.from(slack.body)), Buffer.from(expected));
  });

  test('slackSignatureHeaders reproduces the X-Slack-Signature exactly', () => {
    const headers = slackSignatureHeaders({ body: slack.body, signingSecret: slack.secret, timestamp: Number(slack.timestamp) });
    assert.deepEqual(headers, { 'X-Slack-Request-Timestamp': slack.timestamp, 'X-Slack-Signature': slack.signature });
    assert.equal(slack.header, 'X-Slack-Signature');
  });

  test('a secret given as bytes signs like its UTF-8 string', () => {
    const headers = slackSignatureHeaders({ body: slack.body, signingSecret: Buffer.from(slack.secret), timestamp: Number(slack.timestamp) });
    assert.equal(headers['X-Slack-Signature'], slack.signature);
  });
});

describe('GitHub: the worked example of the GitHub docs', { skip: skipVectors }, () => {
  const github = vectors!.github;

  test('githubSignature reproduces the X-Hub-Signature-256 exactly', () => {
    assert.equal(githubSignature(github.body, github.secret), github.signature);
    assert.equal(githubSignature(Buffer.from(github.body), Buffer.from(github.secret)), github.signature);
    assert.equal(github.header, 'X-Hub-Signature-256');
  });

  test('githubSignatureHeaders carries the signature and the given delivery GUID', () => {
    const headers = githubSignatureHeaders({ payload: github.body, secret: github.secret, delivery: '72d3162e-cc78-11e3-81ab-4c9367dc0958' });
    assert.deepEqual(headers, { 'X-Hub-Signature-256': github.signature, 'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' });
  });
});

describe('GitHub format', () => {
  test('sha1 is the legacy X-Hub-Signature: sha1= and the hex HMAC-SHA1 of the body', () => {
    const expected = createHmac('sha1', 'gh-secret').update('{"zen":"x"}').digest('hex');
    assert.equal(githubSignature('{"zen":"x"}', 'gh-secret', 'sha1'), `sha1=${expected}`);
    const headers = githubSignatureHeaders({ payload: '{"zen":"x"}', secret: 'gh-secret', legacySha1: true });
    assert.equal(headers['X-Hub-Signature'], `sha1=${expected}`);
  });

  test('without a delivery, githubSignatureHeaders makes a fresh UUID each time', () => {
    const a = githubSignatureHeaders({ payload: 'x', secret: 's' })['X-GitHub-Delivery'];
    const b = githubSignatureHeaders({ payload: 'x', secret: 's' })['X-GitHub-Delivery'];
    assert.match(a!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.notEqual(a, b);
  });
});

describe('Stripe format', () => {
  test('stripeSignedPayload is "<t>." followed by the exact body bytes', () => {
    assert.deepEqual(stripeSignedPayload(1492774577, '{"id":"evt_1"}'), Buffer.from('1492774577.{"id":"evt_1"}'));
    const binary = Buffer.from([0xff, 0x00, 0xfe]);
    assert.deepEqual(stripeSignedPayload(7, binary), Buffer.concat([Buffer.from('7.'), binary]));
  });

  test('stripeSignatureHeader is t=<t>,v1=<hex HMAC-SHA256 of the signed payload with the secret as UTF-8>', () => {
    const expected = createHmac('sha256', Buffer.from('whsec_test', 'utf8')).update(`${NOW}.{"id":"evt_1"}`).digest('hex');
    assert.equal(stripeSignatureHeader({ payload: '{"id":"evt_1"}', secret: 'whsec_test', timestamp: NOW }), `t=${NOW},v1=${expected}`);
  });

  test('the worked example of docs/signing.md reproduces exactly', () => {
    const header = stripeSignatureHeader({ payload: '{"id":"evt_1","object":"event"}', secret: 'whsec_test_secret', timestamp: 1700000000 });
    assert.equal(header, 't=1700000000,v1=0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd');
  });

  test('a list of secrets gives one v1 per secret, in order, as Stripe sends while rolling a secret', () => {
    const header = stripeSignatureHeader({ payload: 'p', secret: ['whsec_old', 'whsec_new'], timestamp: NOW });
    const one = (secret: string): string => stripeSignatureHeader({ payload: 'p', secret, timestamp: NOW }).split(',v1=')[1]!;
    assert.equal(header, `t=${NOW},v1=${one('whsec_old')},v1=${one('whsec_new')}`);
  });

  test('without a timestamp, the signer uses the current time', () => {
    const before = Math.floor(Date.now() / 1000);
    const { timestamp } = parseStripeSignatureHeader(stripeSignatureHeader({ payload: 'p', secret: 's' }));
    assert.ok(timestamp >= before && timestamp <= Math.floor(Date.now() / 1000));
  });

  test('parseStripeSignatureHeader reads t and every v1, and ignores v0 and unknown schemes', () => {
    assert.deepEqual(parseStripeSignatureHeader(`t=1492774577,v1=${HEX_A},v0=${HEX_A},v1=${HEX_B},v9=x`), { timestamp: 1492774577, v1: [HEX_A, HEX_B] });
  });

  const refused: Array<[string, string]> = [
    ['an empty value', ''],
    ['no v1', 't=1492774577'],
    ['only v0', `t=1492774577,v0=${HEX_A}`],
    ['no t', `v1=${HEX_A}`],
    ['t twice', `t=1,t=2,v1=${HEX_A}`],
    ['t not digits', `t=14927a,v1=${HEX_A}`],
    ['t negative', `t=-1,v1=${HEX_A}`],
    ['t of 13 digits', `t=1492774577000,v1=${HEX_A}`],
    ['a v1 that is not hex', `t=1,v1=${'z'.repeat(64)}`],
    ['a v1 one digit short', `t=1,v1=${'a'.repeat(63)}`],
    ['a v1 one digit long', `t=1,v1=${'a'.repeat(65)}`],
    ['a space after a comma', `t=1, v1=${HEX_A}`],
    ['an item without "="', `t=1,v1`],
    ['an empty value after "="', `t=1,v1=`],
    ['an empty key', `t=1,=${HEX_A}`],
    ['a trailing comma', `t=1,v1=${HEX_A},`],
    ['more than 16 items', `t=1,${Array.from({ length: 16 }, () => `v1=${HEX_A}`).join(',')}`],
  ];
  for (const [what, value] of refused) {
    test(`parseStripeSignatureHeader: ${what} → ERR_SIG_MALFORMED`, () => {
      assert.throws(() => parseStripeSignatureHeader(value), { code: 'ERR_SIG_MALFORMED' });
    });
  }

  test('parseStripeSignatureHeader accepts 16 items', () => {
    assert.equal(parseStripeSignatureHeader(`t=1,${Array.from({ length: 15 }, () => `v1=${HEX_A}`).join(',')}`).v1.length, 15);
  });
});

describe('signers check their options', () => {
  const bad: Array<[string, () => unknown]> = [
    ['stripeSignatureHeader with an empty secret', () => stripeSignatureHeader({ payload: 'p', secret: '' })],
    ['stripeSignatureHeader with an empty list of secrets', () => stripeSignatureHeader({ payload: 'p', secret: [] })],
    ['stripeSignatureHeader with a parsed object as payload', () => stripeSignatureHeader({ payload: { id: 1 } as never, secret: 's' })],
    ['stripeSignatureHeader with a fractional timestamp', () => stripeSignatureHeader({ payload: 'p', secret: 's', timestamp: 1.5 })],
    ['stripeSignatureHeader with no options', () => stripeSignatureHeader(undefined as never)],
    ['slackSignatureHeaders with empty bytes as secret', () => slackSignatureHeaders({ body: 'b', signingSecret: new Uint8Array(0) })],
    ['slackSignatureHeaders with a negative timestamp', () => slackSignatureHeaders({ body: 'b', signingSecret: 's', timestamp: -1 })],
    ['githubSignature with an unknown hash', () => githubSignature('b', 's', 'md5' as never)],
    ['githubSignatureHeaders with no secret', () => githubSignatureHeaders({ payload: 'b' } as never)],
  ];
  for (const [what, call] of bad) {
    test(`${what} → ERR_INVALID_OPTION`, () => assert.throws(call, { code: 'ERR_INVALID_OPTION' }));
  }
});

describe('docs/signing.md', () => {
  test('the webhook worked examples show what signwire computes', () => {
    const docs = readFileSync(new URL('../../../docs/signing.md', import.meta.url), 'utf8');
    const stripe = stripeSignatureHeader({ payload: '{"id":"evt_1","object":"event"}', secret: 'whsec_test_secret', timestamp: 1700000000 });
    assert.ok(docs.includes(`Stripe-Signature: ${stripe}`), 'the Stripe example');
    assert.ok(docs.includes(`\`${githubSignature('Hello, World!', "It's a Secret to Everybody")}\``), 'the GitHub example');
    if (vectors !== undefined) {
      const slack = slackSignatureHeaders({ body: vectors.slack.body, signingSecret: '8f742231b10e8888abcd99yyyzzz85a5', timestamp: 1531420618 });
      assert.ok(docs.includes(`X-Slack-Signature: ${slack['X-Slack-Signature']}`), 'the Slack example');
    }
  });
});
