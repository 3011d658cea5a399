import type { FastifyInstance } from 'fastify';
import { NetSuiteApiError, invalidParameter } from '../errors.ts';
import { SuiteQlError } from '../suiteql/ast.ts';
import { runSuiteQl } from '../suiteql/execute.ts';
import type { AccountContext } from './context.ts';
import { pageOf, readPaging } from './paging.ts';

/** SuiteQL stops at 100,000 results through REST web services (section_157909186990). */
export const SUITEQL_MAX_RESULTS = 100_000;

/**
 * `POST /services/rest/query/v1/suiteql` with `Prefer: transient` and `{ "q": "SELECT ..." }`.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_158394344595.html
 */
export function registerQueryRoutes(app: FastifyInstance, context: AccountContext): void {
  app.post('/services/rest/query/v1/suiteql', async (request) => {
    await context.governance.serve('query');
    const prefer = request.headers.prefer;
    if (typeof prefer !== 'string' || !prefer.toLowerCase().includes('transient')) {
      throw new NetSuiteApiError(400, [
        { detail: 'SuiteQL requests must carry the header Prefer: transient.', 'o:errorCode': 'INVALID_HEADER', 'o:errorHeader': 'Prefer' },
      ]);
    }
    const { limit, offset } = readPaging(request.query as Record<string, unknown>);
    const q = (request.body as { q?: unknown } | undefined)?.q;
    if (typeof q !== 'string' || q.trim() === '') throw invalidParameter('The request body must be { "q": "<SuiteQL query>" }.', { path: 'q' });
    let rows;
    try {
      rows = runSuiteQl(q, context.records.store, new Date(context.clock()));
    } catch (error) {
      if (!(error instanceof SuiteQlError)) throw error;
      throw invalidParameter(`Invalid search query. Detailed unprocessed description follows. Search error occurred: ${error.message}`, { path: 'q' });
    }
    const capped = rows.slice(0, SUITEQL_MAX_RESULTS);
    const base = context.baseUrl(request);
    const page = pageOf({ all: capped, limit, offset, url: `${base}${request.url}` });
    return { ...page, items: page.items.map((row) => ({ links: [], ...row })) };
  });
}
