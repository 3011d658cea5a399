import { describe, expect, it } from 'vitest';
import { AuthExpiredError, PermanentError, RateLimitedError, TransientError } from '../../runtime/errors.ts';
import { CONCURRENCY_RETRY_AFTER_MS, failureOf, isDuplicateExternalId } from './failures.ts';

const body = (code: string, detail: string, path?: string) => ({
  type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1',
  title: 'Bad Request',
  status: 400,
  'o:errorDetails': [{ detail, 'o:errorCode': code, ...(path && { 'o:errorPath': path }) }],
});
const classify = (status: number, payload: unknown, headers: Record<string, string> = {}) =>
  failureOf({ status, body: payload, headers: new Headers(headers), request: 'PUT /services/rest/record/v1/creditMemo/eid:RMA-1.CM' });

describe('NetSuite failure classification', () => {
  it('keeps a business refusal permanent, with NetSuite code, the field path and the detail', () => {
    const failure = classify(400, body('USER_ERROR', 'Error while accessing resource: Return authorization RMA1 is Pending Approval', 'createdFrom'));
    expect(failure).toBeInstanceOf(PermanentError);
    expect(failure).toMatchObject({ code: 'USER_ERROR', field: 'createdFrom', system: 'netsuite', details: { status: 400 } });
    expect(failure.message).toContain('Pending Approval');
    expect(classify(404, { 'o:errorDetails': [{ detail: 'The record instance does not exist.', 'o:errorCode': 'NONEXISTENT_ID' }] })).toMatchObject({ code: 'NONEXISTENT_ID', retryable: false });
  });

  it('turns the concurrency limit into a throttle with a wait, and honours Retry-After when sent', () => {
    const throttled = classify(429, body('CONCURRENCY_LIMIT_EXCEEDED', 'Concurrent request limit exceeded. Request blocked.'));
    expect(throttled).toBeInstanceOf(RateLimitedError);
    expect((throttled as RateLimitedError).retryAfterMs).toBe(CONCURRENCY_RETRY_AFTER_MS);
    expect((classify(429, {}, { 'Retry-After': '7' }) as RateLimitedError).retryAfterMs).toBe(7000);
  });

  it('retries server errors, unreadable bodies and record lock contention; asks for new credentials on 401', () => {
    expect(classify(503, body('SERVICE_UNAVAILABLE', 'The service is temporarily unavailable.'))).toBeInstanceOf(TransientError);
    expect(classify(502, undefined)).toMatchObject({ code: 'HTTP_502', retryable: true });
    expect(classify(400, body('USER_ERROR', 'Record has been changed. RCRD_HAS_BEEN_CHANGED'))).toMatchObject({ code: 'RCRD_HAS_BEEN_CHANGED', retryable: true });
    expect(classify(401, body('INVALID_LOGIN', 'Invalid login attempt.'))).toBeInstanceOf(AuthExpiredError);
  });

  it('recognises a create that lost the race for its external id', () => {
    expect(isDuplicateExternalId(classify(400, body('USER_ERROR', 'Error while accessing resource: A record with the external ID SHP-1 already exists.', 'externalId')))).toBe(true);
    expect(isDuplicateExternalId(classify(400, body('USER_ERROR', 'Insufficient inventory')))).toBe(false);
  });
});
