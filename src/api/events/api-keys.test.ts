import { describe, expect, it } from 'vitest';
import { ApiKeyCheck, createApiKeyVerifier } from './api-keys.ts';

describe('createApiKeyVerifier', () => {
  const verifier = createApiKeyVerifier(['pos-store-0042-key', 'returns-app-key']);

  it('accepts any configured key as a Bearer token, scheme case-insensitive', () => {
    expect(verifier.check('Bearer pos-store-0042-key')).toBe(ApiKeyCheck.accepted);
    expect(verifier.check('bearer returns-app-key')).toBe(ApiKeyCheck.accepted);
  });

  it('tells a missing header from a wrong one', () => {
    expect(verifier.check(undefined)).toBe(ApiKeyCheck.missing);
    expect(verifier.check('  ')).toBe(ApiKeyCheck.missing);
    expect(verifier.check('Bearer pos-store-0043-key')).toBe(ApiKeyCheck.invalid);
    expect(verifier.check('Bearer pos-store-0042-ke')).toBe(ApiKeyCheck.invalid);
    expect(verifier.check('Basic cG9zOnNlY3JldA==')).toBe(ApiKeyCheck.invalid);
    expect(verifier.check('pos-store-0042-key')).toBe(ApiKeyCheck.invalid);
  });
});
