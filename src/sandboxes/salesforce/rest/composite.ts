import { SalesforceApiError, jsonParserError } from '../errors.ts';
import { isPlainObject } from './records.ts';
import { methodNotAllowed } from './sobjects.ts';
import type { RestCall, RestDispatcher, RestResult } from './types.ts';

/**
 * `POST /composite`: up to 25 subrequests run in order in one transaction-capable call, counting
 * as ONE call against the daily allocation. A subrequest can use an earlier one's result with
 * `@{referenceId.field}` (also `@{ref.records[0].Id}`). allOrNone=true rolls everything back
 * when a subrequest fails; the other subrequests then report PROCESSING_HALTED. Without it, only
 * subrequests that depend on a failed one are halted. Of the 25, at most 5 may be queries or
 * sObject Collections.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite_post.htm
 */
export const MAX_COMPOSITE_SUBREQUESTS = 25;
export const MAX_COMPOSITE_QUERIES_OR_COLLECTIONS = 5;

interface Subrequest {
  method: string;
  url: string;
  referenceId: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

interface SubrequestResult {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

const ROLLED_BACK = [{ errorCode: 'PROCESSING_HALTED', message: 'The transaction was rolled back since another operation in the same transaction failed.' }];
const REFERENCE = /@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g;
const URL_PATTERN = /^\/services\/data\/v(\d+\.\d)\/([^?]*)(?:\?(.*))?$/;

export function handleComposite(call: RestCall, dispatch: RestDispatcher): RestResult {
  if (call.path.length !== 1) return { status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] };
  if (call.method !== 'POST') throw methodNotAllowed(call.method);
  const { subrequests, allOrNone } = parseComposite(call.body);
  const store = call.org.store;
  const start = store.savepoint();
  const results: SubrequestResult[] = [];
  const outputs = new Map<string, unknown>();
  for (const [index, sub] of subrequests.entries()) {
    let result: SubrequestResult;
    try {
      const url = resolveReferences(sub.url, outputs, true) as string;
      const body = sub.body === undefined ? undefined : resolveReferences(sub.body, outputs, false);
      result = run(call, dispatch, sub, url, body, allOrNone);
    } catch (error) {
      if (!(error instanceof SalesforceApiError)) throw error;
      result = { body: error.toBody(), httpHeaders: {}, httpStatusCode: error.status, referenceId: sub.referenceId };
    }
    results.push(result);
    if (result.httpStatusCode < 400) outputs.set(sub.referenceId, result.body);
    if (allOrNone && result.httpStatusCode >= 400) {
      store.rollbackTo(start);
      const halted = (s: Subrequest): SubrequestResult => ({ body: ROLLED_BACK, httpHeaders: {}, httpStatusCode: 400, referenceId: s.referenceId });
      const rolledBack = results.map((r, i) => (i === index ? r : halted(subrequests[i] as Subrequest)));
      return { status: 200, body: { compositeResponse: [...rolledBack, ...subrequests.slice(index + 1).map(halted)] } };
    }
  }
  return { status: 200, body: { compositeResponse: results } };
}

function run(call: RestCall, dispatch: RestDispatcher, sub: Subrequest, url: string, body: unknown, allOrNone: boolean): SubrequestResult {
  const match = URL_PATTERN.exec(url);
  if (!match) {
    throw new SalesforceApiError({ errorCode: 'INVALID_URL', message: `The url ${url} is not a valid REST API resource for a composite subrequest` });
  }
  const path = (match[2] ?? '').split('/').map(decodeURIComponent);
  if (path[path.length - 1] === '') path.pop();
  if (path[0] === 'composite' && path[1] !== 'sobjects') {
    throw new SalesforceApiError({ errorCode: 'INVALID_URL', message: 'Composite subrequests cannot call composite resources other than sObject Collections' });
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(sub.httpHeaders ?? {})) headers[name.toLowerCase()] = String(value);
  const response = dispatch({
    ...call,
    method: sub.method,
    version: match[1] as string,
    path,
    query: Object.fromEntries(new URLSearchParams(match[3] ?? '')),
    body,
    headers: { ...call.headers, ...headers },
    ...(allOrNone ? { forceAllOrNone: true } : {}),
  });
  return { body: response.body ?? null, httpHeaders: response.headers ?? {}, httpStatusCode: response.status, referenceId: sub.referenceId };
}

function parseComposite(body: unknown): { subrequests: Subrequest[]; allOrNone: boolean } {
  if (!isPlainObject(body) || !Array.isArray(body.compositeRequest)) throw jsonParserError("'compositeRequest' is a required field.");
  const subrequests = body.compositeRequest.map((raw): Subrequest => {
    if (!isPlainObject(raw)) throw jsonParserError('Each composite subrequest must be a JSON object.');
    for (const key of ['method', 'url', 'referenceId'] as const) {
      if (typeof raw[key] !== 'string' || raw[key] === '') throw jsonParserError(`'${key}' is a required field.`);
    }
    const referenceId = String(raw.referenceId);
    if (!/^[A-Za-z0-9_]+$/.test(referenceId)) {
      throw jsonParserError(`Invalid referenceId ('${referenceId}'): a reference id may contain only letters, numbers and underscores.`);
    }
    return {
      method: String(raw.method).toUpperCase(),
      url: String(raw.url),
      referenceId,
      ...(raw.body !== undefined ? { body: raw.body } : {}),
      ...(isPlainObject(raw.httpHeaders) ? { httpHeaders: raw.httpHeaders as Record<string, string> } : {}),
    };
  });
  if (subrequests.length > MAX_COMPOSITE_SUBREQUESTS) {
    throw new SalesforceApiError({
      errorCode: 'LIMIT_EXCEEDED',
      message: `A composite request can contain at most ${MAX_COMPOSITE_SUBREQUESTS} subrequests; this one has ${subrequests.length}.`,
    });
  }
  const heavy = subrequests.filter((s) => /\/(query|queryAll)(\/|\?|$)|\/composite\/sobjects/.test(s.url)).length;
  if (heavy > MAX_COMPOSITE_QUERIES_OR_COLLECTIONS) {
    throw new SalesforceApiError({
      errorCode: 'LIMIT_EXCEEDED',
      message: `A composite request can contain at most ${MAX_COMPOSITE_QUERIES_OR_COLLECTIONS} query or sObject Collections subrequests; this one has ${heavy}.`,
    });
  }
  const seen = new Set<string>();
  for (const sub of subrequests) {
    if (seen.has(sub.referenceId)) throw jsonParserError(`Duplicate referenceId '${sub.referenceId}'.`);
    seen.add(sub.referenceId);
  }
  return { subrequests, allOrNone: body.allOrNone === true };
}

/** Replaces `@{ref.path}` in strings (deeply in bodies); a whole-string reference keeps the value's type. */
function resolveReferences(value: unknown, outputs: Map<string, unknown>, inUrl: boolean): unknown {
  if (typeof value === 'string') {
    const whole = new RegExp(`^${REFERENCE.source}$`).exec(value);
    if (whole && !inUrl) return lookup(whole[1] as string, whole[2] ?? '', outputs);
    return value.replace(REFERENCE, (_m, ref: string, path: string) => {
      const found = lookup(ref, path, outputs);
      return inUrl ? encodeURIComponent(String(found)) : String(found);
    });
  }
  if (Array.isArray(value)) return value.map((item) => resolveReferences(item, outputs, inUrl));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveReferences(v, outputs, inUrl)]));
  return value;
}

function lookup(ref: string, path: string, outputs: Map<string, unknown>): unknown {
  const missing = (): SalesforceApiError =>
    new SalesforceApiError({
      errorCode: 'PROCESSING_HALTED',
      message: `Invalid reference specified. No value for ${ref}${path} found in ${ref}. Provided referenceId ('${ref}') must be the referenceId of an earlier subrequest that succeeded.`,
    });
  if (!outputs.has(ref)) throw missing();
  let current: unknown = outputs.get(ref);
  for (const step of path.match(/\.[A-Za-z0-9_]+|\[\d+\]/g) ?? []) {
    const key = step.startsWith('.') ? step.slice(1) : Number(step.slice(1, -1));
    if (current === null || typeof current !== 'object') throw missing();
    current = (current as Record<string | number, unknown>)[key];
  }
  if (current === undefined || current === null) throw missing();
  return current;
}
