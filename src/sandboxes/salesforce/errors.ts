/**
 * Salesforce REST error shapes.
 * - A failed request answers a JSON array of `{ message, errorCode, fields? }`.
 * - A failed record inside sObject Collections answers `{ statusCode, message, fields }`.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
 */
export interface RestErrorBody {
  message: string;
  errorCode: string;
  fields?: string[];
}

export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

/** A failure of one REST operation, carrying the HTTP status Salesforce answers with. */
export class SalesforceApiError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly fields: string[] | undefined;
  constructor(args: { status?: number; errorCode: string; message: string; fields?: string[] }) {
    super(args.message);
    this.name = 'SalesforceApiError';
    this.status = args.status ?? 400;
    this.errorCode = args.errorCode;
    this.fields = args.fields;
  }
  toBody(): RestErrorBody[] {
    const body: RestErrorBody = { message: this.message, errorCode: this.errorCode };
    if (this.fields) body.fields = this.fields;
    return [body];
  }
  toRecordError(): RecordError {
    return { statusCode: this.errorCode, message: this.message, fields: this.fields ?? [] };
  }
}

export const notFound = (): SalesforceApiError =>
  new SalesforceApiError({ status: 404, errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' });

export const malformedQuery = (message: string): SalesforceApiError =>
  new SalesforceApiError({ errorCode: 'MALFORMED_QUERY', message });

export const invalidField = (message: string, fields?: string[]): SalesforceApiError =>
  new SalesforceApiError({ errorCode: 'INVALID_FIELD', message, ...(fields ? { fields } : {}) });

export const jsonParserError = (message: string): SalesforceApiError =>
  new SalesforceApiError({ errorCode: 'JSON_PARSER_ERROR', message });

export const invalidSession = (): SalesforceApiError =>
  new SalesforceApiError({ status: 401, errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' });

/** Daily allocation used up: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm */
export const requestLimitExceeded = (): SalesforceApiError =>
  new SalesforceApiError({ status: 403, errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' });
