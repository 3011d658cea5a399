import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthExpiredError, PermanentError, RateLimitedError, TransientError } from '../../runtime/errors.ts';
import { signJwtAssertion } from './auth.ts';
import { recordFailure, requestFailure } from './failures.ts';
import { DAILY_LIMIT_PAUSE_MS, dailyApiRequests, parseLimitInfo } from './limits.ts';

const jsforceError = (errorCode: string, message = 'x', fields?: string[]) => Object.assign(new Error(message), { errorCode, name: errorCode, data: { errorCode, message, fields } });

describe('Salesforce failure classification', () => {
  it('classifies whole-request failures by status and code', () => {
    const classify = (error: unknown, status?: number, headers: Record<string, string> = {}) => requestFailure({ error, status, headers, what: 'test' });
    expect(classify(jsforceError('REQUEST_LIMIT_EXCEEDED'), 403)).toMatchObject({ retryAfterMs: DAILY_LIMIT_PAUSE_MS });
    expect(classify(jsforceError('REQUEST_LIMIT_EXCEEDED'), 429, { 'retry-after': '7' })).toBeInstanceOf(RateLimitedError);
    expect(classify(jsforceError('REQUEST_LIMIT_EXCEEDED'), 429, { 'retry-after': '7' })).toMatchObject({ retryAfterMs: 7_000 });
    expect(classify(jsforceError('INVALID_SESSION_ID'), 401)).toBeInstanceOf(AuthExpiredError);
    expect(classify(jsforceError('SERVER_UNAVAILABLE'), 503)).toBeInstanceOf(TransientError);
    expect(classify(jsforceError('UNKNOWN_EXCEPTION'), 500)).toBeInstanceOf(TransientError);
    expect(classify(Object.assign(new Error('connect ECONNREFUSED'), { name: 'FetchError', code: 'ECONNREFUSED' }))).toBeInstanceOf(TransientError);
    const malformed = classify(jsforceError('MALFORMED_QUERY', 'unexpected token', ['Name']), 400);
    expect(malformed).toBeInstanceOf(PermanentError);
    expect(malformed).toMatchObject({ code: 'MALFORMED_QUERY', field: 'Name', system: 'salesforce' });
  });

  it('classifies record errors: lock contention is transient, validation is permanent with its fields', () => {
    expect(recordFailure({ statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record' }, { object: 'Account', key: 'c1' })).toBeInstanceOf(TransientError);
    for (const code of ['DUPLICATE_VALUE', 'REQUIRED_FIELD_MISSING', 'INVALID_FIELD', 'INVALID_CROSS_REFERENCE_KEY']) {
      const failure = recordFailure({ statusCode: code, message: 'no', fields: ['External_Id__c'] }, { object: 'Account', key: 'c1' });
      expect(failure).toBeInstanceOf(PermanentError);
      expect(failure).toMatchObject({ code, field: 'External_Id__c', details: { object: 'Account', key: 'c1', fields: ['External_Id__c'] } });
    }
  });
});

describe('Salesforce limits', () => {
  it('computes the daily allocation by edition and licences and reads Sforce-Limit-Info', () => {
    expect(dailyApiRequests('enterprise', 20)).toBe(120_000);
    expect(dailyApiRequests('unlimited', 10)).toBe(150_000);
    expect(dailyApiRequests('developer', 5)).toBe(15_000);
    expect(parseLimitInfo('api-usage=18/120000')).toEqual({ kind: 'requests', used: 18, limit: 120_000 });
    expect(parseLimitInfo('per-app-api-usage=1/10(appName=x)')).toBeUndefined();
    expect(parseLimitInfo('api-usage=25/5000, per-app-api-usage=17/250(appName=crossdock)')).toEqual({ kind: 'requests', used: 25, limit: 5_000 });
    expect(parseLimitInfo(undefined)).toBeUndefined();
  });
});

describe('JWT bearer assertion', () => {
  it('is RS256 over header.claims with iss, sub, aud and an exp at most 3 minutes ahead', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const now = Date.parse('2026-11-23T09:00:00Z');
    const assertion = signJwtAssertion({ privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), clientId: '3MVG9', username: 'crossdock@acme.com', audience: 'https://login.salesforce.com', now });
    const [header, claims, signature] = assertion.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'RS256' });
    expect(JSON.parse(Buffer.from(claims!, 'base64url').toString())).toEqual({ iss: '3MVG9', sub: 'crossdock@acme.com', aud: 'https://login.salesforce.com', exp: now / 1000 + 180 });
    expect(verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature!, 'base64url'))).toBe(true);
  });
});
