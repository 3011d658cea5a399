import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signAssertion } from '../testing/jwt.ts';
import { publicKeyFromPem, verifyAssertion } from './jwt.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const key = publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
const claims = { iss: 'app', sub: 'user@example.com', aud: 'https://login.salesforce.com', exp: 2_000_000_000 };

describe('verifyAssertion', () => {
  it('accepts an RS256 assertion signed with the matching key', () => {
    expect(verifyAssertion(signAssertion({ privateKey, ...claims }), key)).toEqual({ ok: true, claims });
  });

  it('refuses tampered claims, another algorithm, a key of another type and garbage', () => {
    const [head, , signature] = signAssertion({ privateKey, ...claims }).split('.');
    const tampered = `${head}.${Buffer.from(JSON.stringify({ ...claims, sub: 'admin@example.com' })).toString('base64url')}.${signature}`;
    expect(verifyAssertion(tampered, key)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyAssertion(signAssertion({ privateKey, ...claims, alg: 'HS256' }), key)).toEqual({ ok: false, reason: 'unsupported_alg' });
    const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(verifyAssertion(signAssertion({ privateKey, ...claims }), ecKey)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyAssertion('not.a.jwt', key)).toEqual({ ok: false, reason: 'malformed' });
  });
});
