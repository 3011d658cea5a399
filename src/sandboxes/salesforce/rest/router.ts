import { MultipleMatchesError } from '../data/dml.ts';
import { SalesforceApiError, notFound } from '../errors.ts';
import { handleBulkIngest } from './bulk.ts';
import { handleCollections } from './collections.ts';
import { handleComposite } from './composite.ts';
import { organizationLimits } from './limits.ts';
import { handleQuery } from './query.ts';
import { handleSObjects, methodNotAllowed, multipleChoices } from './sobjects.ts';
import type { RestCall, RestResult } from './types.ts';
import { versionResources } from './versions.ts';

/**
 * Routes one REST call (a request or a Composite subrequest) to its resource and renders
 * failures in Salesforce's error shape. A failed call's writes are rolled back; committing and
 * counting the call against the allocation are the HTTP layer's job, so that a Composite request
 * counts once.
 */
export function routeRestCall(call: RestCall): RestResult {
  const savepoint = call.org.store.savepoint();
  try {
    return resolve(call);
  } catch (error) {
    call.org.store.rollbackTo(savepoint);
    if (error instanceof MultipleMatchesError) return multipleChoices(call.version, error.object, error.ids);
    if (error instanceof SalesforceApiError) return { status: error.status, body: error.toBody() };
    // An unexpected failure answers as the platform does, with an error id to quote.
    const errorId = Math.floor(call.org.random() * 1e9);
    return {
      status: 500,
      body: [{ errorCode: 'UNKNOWN_EXCEPTION', message: `An unexpected error occurred. Please include this ErrorId if you contact support: ${errorId}-${call.now % 100000} (${String(error instanceof Error ? error.message : error).slice(0, 80)})` }],
    };
  }
}

function resolve(call: RestCall): RestResult {
  switch (call.path[0]) {
    case undefined:
      if (call.method !== 'GET') throw methodNotAllowed(call.method);
      return { status: 200, body: versionResources(call.version) };
    case 'sobjects':
      return handleSObjects(call);
    case 'query':
    case 'queryAll':
      return handleQuery(call);
    case 'composite':
      return call.path[1] === 'sobjects' ? handleCollections(call) : handleComposite(call, routeRestCall);
    case 'jobs':
      if (call.path[1] !== 'ingest') throw notFound();
      return handleBulkIngest(call);
    case 'limits':
      if (call.method !== 'GET' || call.path.length > 1) throw methodNotAllowed(call.method);
      return { status: 200, body: organizationLimits(call.org) };
    default:
      throw notFound();
  }
}
