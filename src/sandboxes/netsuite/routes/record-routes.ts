import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalidParameter, recordNotFound, unknownRecordType } from '../errors.ts';
import type { RecordType } from '../records/catalog.ts';
import { SUBLISTS, TRANSFORMS, resolveRecordType } from '../records/catalog.ts';
import { normaliseBody } from '../records/input.ts';
import { recordUrl, renderRecord, renderSublist } from '../records/representation.ts';
import type { NsRecord } from '../records/store.ts';
import type { AccountContext } from './context.ts';
import { pageOf, readPaging } from './paging.ts';

const PREFIX = '/services/rest/record/v1';

type Params = { type: string; id?: string; target?: string; sublist?: string };

/**
 * The record API: one record per request.
 * POST /{type} → 204 + Location; GET /{type}/{id | eid:X}; PATCH → 204 + Location; PUT /{type}/eid:X = upsert
 * → 204 + Location; DELETE → 204; POST /{type}/{id}/!transform/{target} → 204 + Location.
 * POST honours X-NetSuite-Idempotency-Key: a retried create answers with the first record.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/chapter_1540391670.html
 */
export function registerRecordRoutes(app: FastifyInstance, context: AccountContext): void {
  const idempotentCreates = new Map<string, string>();
  const { records } = context;

  const typeOf = (request: FastifyRequest<{ Params: Params }>): RecordType => {
    const type = resolveRecordType(request.params.type);
    if (!type) throw unknownRecordType(request.url, request.params.type);
    return type;
  };
  const find = (request: FastifyRequest<{ Params: Params }>, type: RecordType): NsRecord => {
    const key = request.params.id ?? '';
    const record = key.startsWith('eid:') ? records.store.getByExternalId(type, key.slice(4)) : records.store.get(type, key);
    if (!record) throw recordNotFound(request.url);
    return record;
  };
  const created = (reply: FastifyReply, request: FastifyRequest, record: NsRecord): FastifyReply =>
    reply.code(204).header('Location', recordUrl(context.baseUrl(request), record.type, record.id)).send();
  const replaceOf = (request: FastifyRequest): string[] => {
    const replace = (request.query as { replace?: string }).replace;
    return replace ? replace.split(',').map((name) => name.trim()) : [];
  };

  app.get<{ Params: Params }>(`${PREFIX}/:type`, async (request) => {
    const type = typeOf(request);
    await context.governance.serve('recordRead');
    const query = request.query as Record<string, unknown>;
    if (query.q !== undefined) throw invalidParameter('Record list filters (q) are not supported by this sandbox; use SuiteQL.', { queryParam: 'q' });
    const { limit, offset } = readPaging(query);
    const base = context.baseUrl(request);
    const all = records.store.list(type).map((record) => ({ links: [{ rel: 'self', href: recordUrl(base, type, record.id) }], id: record.id }));
    return pageOf({ all, limit, offset, url: `${base}${request.url}` });
  });

  app.get<{ Params: Params }>(`${PREFIX}/:type/:id`, async (request) => {
    const type = typeOf(request);
    await context.governance.serve('recordRead');
    const record = find(request, type);
    const expand = String((request.query as { expandSubResources?: string }).expandSubResources) === 'true';
    return renderRecord({ record, store: records.store, baseUrl: context.baseUrl(request), expandSubResources: expand });
  });

  app.get<{ Params: Params }>(`${PREFIX}/:type/:id/:sublist`, async (request) => {
    const type = typeOf(request);
    await context.governance.serve('recordRead');
    const record = find(request, type);
    const name = (SUBLISTS[type] ?? []).find((candidate) => candidate.toLowerCase() === request.params.sublist?.toLowerCase());
    if (!name) throw recordNotFound(request.url);
    return renderSublist({ record, name, store: records.store, baseUrl: context.baseUrl(request) });
  });

  app.post<{ Params: Params }>(`${PREFIX}/:type`, async (request, reply) => {
    const type = typeOf(request);
    await context.governance.serve('recordWrite');
    const key = request.headers['x-netsuite-idempotency-key'];
    const idempotencyKey = typeof key === 'string' ? `${type}:${key}` : undefined;
    const previous = idempotencyKey ? idempotentCreates.get(idempotencyKey) : undefined;
    const replayed = previous === undefined ? undefined : records.store.get(type, previous);
    if (replayed) return created(reply, request, replayed);
    const record = records.create(type, normaliseBody(type, request.body, records.store));
    if (idempotencyKey) idempotentCreates.set(idempotencyKey, record.id);
    return created(reply, request, record);
  });

  app.patch<{ Params: Params }>(`${PREFIX}/:type/:id`, async (request, reply) => {
    const type = typeOf(request);
    await context.governance.serve('recordWrite');
    const record = find(request, type);
    // A body `externalId` re-keys the record; one another record of the type holds is refused (USER_ERROR).
    records.update(record, normaliseBody(type, request.body, records.store), replaceOf(request));
    return created(reply, request, record);
  });

  app.put<{ Params: Params }>(`${PREFIX}/:type/:id`, async (request, reply) => {
    const type = typeOf(request);
    await context.governance.serve('recordWrite');
    const key = request.params.id ?? '';
    if (!key.startsWith('eid:') || key.length <= 4) {
      throw invalidParameter('PUT (upsert) needs an external id in the URL: /record/v1/{type}/eid:{externalId}.', { path: 'id' });
    }
    const { record } = records.upsert(type, key.slice(4), normaliseBody(type, request.body, records.store), replaceOf(request));
    return created(reply, request, record);
  });

  app.delete<{ Params: Params }>(`${PREFIX}/:type/:id`, async (request, reply) => {
    const type = typeOf(request);
    await context.governance.serve('recordWrite');
    records.delete(find(request, type));
    return reply.code(204).send();
  });

  app.post<{ Params: Params }>(`${PREFIX}/:type/:id/!transform/:target`, async (request, reply) => {
    const type = typeOf(request);
    await context.governance.serve('recordWrite');
    const source = find(request, type);
    const target = resolveRecordType(request.params.target ?? '');
    if (!target || !(TRANSFORMS[type] ?? []).includes(target)) {
      throw invalidParameter(`A ${type} cannot be transformed into ${request.params.target ?? ''}.`, { path: 'target' });
    }
    const body = request.body === undefined ? {} : request.body;
    const fields = normaliseBody(target, body, records.store);
    return created(reply, request, records.create(target, { ...fields, createdFrom: { id: source.id } }));
  });
}
