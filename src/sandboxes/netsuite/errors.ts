/**
 * NetSuite REST web services error shape: an RFC 9457-style problem body with `o:errorDetails`.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156570709583.html
 * Every detail names what was wrong (`detail`), its category (`o:errorCode`) and where: the body
 * (`o:errorPath`), the URL (`o:urlPath`), a header (`o:errorHeader`) or a query parameter
 * (`o:errorQueryParam`).
 */
export interface NetSuiteErrorDetail {
  detail: string;
  'o:errorCode': string;
  'o:errorPath'?: string;
  'o:urlPath'?: string;
  'o:errorHeader'?: string;
  'o:errorQueryParam'?: string;
}

export interface NetSuiteErrorBody {
  type: string;
  title: string;
  status: number;
  'o:errorDetails': NetSuiteErrorDetail[];
}

/** `type` and `title` per status, as NetSuite sends them (RFC 9110 sections; 429 is RFC 6585). */
const PROBLEM_TYPES: Record<number, { type: string; title: string }> = {
  400: { type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1', title: 'Bad Request' },
  401: { type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2', title: 'Unauthorized' },
  403: { type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.4', title: 'Forbidden' },
  404: { type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.5', title: 'Not Found' },
  405: { type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.6', title: 'Method Not Allowed' },
  415: { type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.16', title: 'Unsupported Media Type' },
  429: { type: 'https://www.rfc-editor.org/rfc/rfc6585.html#section-4', title: 'Too Many Requests' },
  500: { type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.1', title: 'Internal Server Error' },
  503: { type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.4', title: 'Service Unavailable' },
};

/** A failed NetSuite REST request, carrying the status and the error details it answers with. */
export class NetSuiteApiError extends Error {
  readonly status: number;
  readonly details: NetSuiteErrorDetail[];
  constructor(status: number, details: NetSuiteErrorDetail[]) {
    super(details.map((d) => d.detail).join('; '));
    this.name = 'NetSuiteApiError';
    this.status = status;
    this.details = details;
  }

  get errorCode(): string {
    return this.details[0]?.['o:errorCode'] ?? 'UNEXPECTED_ERROR';
  }

  toBody(): NetSuiteErrorBody {
    return problemBody(this.status, this.details);
  }
}

export function problemBody(status: number, details: NetSuiteErrorDetail[]): NetSuiteErrorBody {
  const problem = PROBLEM_TYPES[status] ?? { type: 'https://www.rfc-editor.org/rfc/rfc9110.html', title: 'Error' };
  return { type: problem.type, title: problem.title, status, 'o:errorDetails': details };
}

/** Prefix NetSuite puts on record-level validation failures. */
const ACCESS_PREFIX = 'Error while accessing resource: ';

/** Bad value of a field, e.g. a reference to a customer or item that does not exist. */
export function invalidFieldValue(args: { field: string; path: string; value: unknown }): NetSuiteApiError {
  return new NetSuiteApiError(400, [
    {
      detail: `${ACCESS_PREFIX}You have entered an Invalid Field Value ${String(args.value)} for the following field: ${args.field}`,
      'o:errorCode': 'INVALID_CONTENT',
      'o:errorPath': args.path,
    },
  ]);
}

export function missingRequiredField(args: { label: string; path: string }): NetSuiteApiError {
  return new NetSuiteApiError(400, [
    { detail: `${ACCESS_PREFIX}Please enter value(s) for: ${args.label}`, 'o:errorCode': 'USER_ERROR', 'o:errorPath': args.path },
  ]);
}

/** A business rule of the ERP refused the record (over-fulfilment, credit memo without an authorized return...). */
export function userError(detail: string, path?: string): NetSuiteApiError {
  return new NetSuiteApiError(400, [
    { detail: `${ACCESS_PREFIX}${detail}`, 'o:errorCode': 'USER_ERROR', ...(path ? { 'o:errorPath': path } : {}) },
  ]);
}

export function invalidContent(detail: string, path?: string): NetSuiteApiError {
  return new NetSuiteApiError(400, [
    { detail, 'o:errorCode': 'INVALID_CONTENT', ...(path ? { 'o:errorPath': path } : {}) },
  ]);
}

export function recordNotFound(urlPath: string): NetSuiteApiError {
  return new NetSuiteApiError(404, [
    {
      detail: 'The record instance does not exist. Provide a valid record instance ID.',
      'o:errorCode': 'NONEXISTENT_ID',
      'o:urlPath': urlPath,
    },
  ]);
}

export function unknownRecordType(urlPath: string, type: string): NetSuiteApiError {
  return new NetSuiteApiError(404, [
    { detail: `Record type '${type}' does not exist.`, 'o:errorCode': 'NONEXISTENT_ID', 'o:urlPath': urlPath },
  ]);
}

export function invalidParameter(detail: string, where: { queryParam?: string; path?: string }): NetSuiteApiError {
  return new NetSuiteApiError(400, [
    {
      detail,
      'o:errorCode': 'INVALID_PARAMETER',
      ...(where.queryParam ? { 'o:errorQueryParam': where.queryParam } : {}),
      ...(where.path ? { 'o:errorPath': where.path } : {}),
    },
  ]);
}

/** Detail text NetSuite answers to every failed login (TBA or OAuth 2.0). */
export const INVALID_LOGIN_DETAIL =
  'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.';

export function invalidLogin(): NetSuiteApiError {
  return new NetSuiteApiError(401, [{ detail: INVALID_LOGIN_DETAIL, 'o:errorCode': 'INVALID_LOGIN' }]);
}

/** Requests beyond the account's concurrency limit (Concurrency Governance). */
export function concurrencyLimitExceeded(): NetSuiteApiError {
  return new NetSuiteApiError(429, [
    {
      detail:
        'Concurrent request limit exceeded. Request blocked. Verify your concurrency limits at Setup > Integration > Integration Management > Integration Governance.',
      'o:errorCode': 'CONCURRENCY_LIMIT_EXCEEDED',
    },
  ]);
}

/** Renders an injected fault (kit) in NetSuite's error shape. */
export function renderInjectedFault(status: 429 | 500 | 503, reason: 'injected' | 'downtime'): { body: NetSuiteErrorBody } {
  if (status === 429) return { body: concurrencyLimitExceeded().toBody() };
  if (status === 503) {
    const detail =
      reason === 'downtime'
        ? 'NetSuite is undergoing scheduled maintenance. Try again later.'
        : 'The service is temporarily unavailable. Try again later.';
    return { body: problemBody(503, [{ detail, 'o:errorCode': 'SERVICE_UNAVAILABLE' }]) };
  }
  return {
    body: problemBody(500, [
      { detail: 'An unexpected error occurred. Error ID: sandbox-injected', 'o:errorCode': 'UNEXPECTED_ERROR' },
    ]),
  };
}
