import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { DeadLetter, DeadLetterStatus, Storage } from '../../ports/storage.ts';
import { requireRole, sessionOf } from '../auth/guard.ts';
import { ConsoleErrorCode, ConsoleErrorSchema, sendError } from '../errors.ts';
import { businessKeyOf, describeDeadLetter, systemName } from './describe.ts';
import { createExceptionGrouper, errorCodeOf, pageExceptions } from './query.ts';
import {
  ACTION_STATUS,
  ActionBody,
  ActionParams,
  ActionResult,
  BulkBody,
  BulkResult,
  ExceptionDetail,
  ExceptionGroupsSchema,
  ExceptionListQuery,
  ExceptionPageSchema,
  GroupsQuery,
  IdParams,
  type ExceptionAction,
  type ExceptionSummary,
} from './schemas.ts';

export interface ExceptionRoutesOptions {
  storage: Storage;
  clock: () => number;
  apiPrefix: string;
  /** How long grouped counts are reused (default 5 s). */
  groupsCacheMs?: number;
}

export function summarize(entry: DeadLetter, now: number, operation?: string): ExceptionSummary {
  return {
    id: entry.id,
    kind: entry.kind,
    status: entry.status,
    target: entry.target,
    key: entry.key,
    businessKey: businessKeyOf(entry),
    entity: typeof entry.context.entity === 'string' ? entry.context.entity : null,
    errorCode: errorCodeOf(entry),
    errorMessage: entry.error.message,
    errorField: entry.error.field ?? null,
    system: entry.error.system ?? null,
    summary: describeDeadLetter(entry, operation),
    correlationId: entry.correlationId,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
    ageMs: Math.max(0, now - entry.createdAt),
    context: entry.context,
  };
}

function statusFilter(status: DeadLetterStatus | 'all'): { status?: DeadLetterStatus } {
  return status === 'all' ? {} : { status };
}

/** Dead letters ("exceptions" to an operator): list, groups, detail and audited actions. */
export async function exceptionRoutes(app: FastifyInstance, options: ExceptionRoutesOptions): Promise<void> {
  const { storage, clock } = options;
  const prefix = `${options.apiPrefix}exceptions`;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const groups = createExceptionGrouper(storage.deadLetters, { clock, cacheMs: options.groupsCacheMs ?? 5_000 });

  api.get(prefix, { schema: { summary: 'Exceptions (dead letters), paged by id', querystring: ExceptionListQuery, response: { 200: ExceptionPageSchema } } }, async (request) => {
    const { status, kind, target, key, errorCode, afterId, limit } = request.query;
    const filter = { ...statusFilter(status), ...(kind && { kind }), ...(target && { target }), ...(key && { key }) };
    const [page, total] = await Promise.all([
      pageExceptions(storage.deadLetters, { ...filter, ...(errorCode && { errorCode }) }, { ...(afterId !== undefined && { afterId }), limit }),
      errorCode === undefined ? storage.deadLetters.count(filter) : Promise.resolve(null),
    ]);
    const now = clock();
    return { items: page.items.map((entry) => summarize(entry, now)), nextAfterId: page.nextAfterId, total, scanned: page.scanned };
  });

  api.get(`${prefix}/groups`, { schema: { summary: 'Exception counts by target and error code', querystring: GroupsQuery, response: { 200: ExceptionGroupsSchema } } }, async (request) => {
    return groups({ ...statusFilter(request.query.status), ...(request.query.kind && { kind: request.query.kind }) });
  });

  api.get(
    `${prefix}/:id`,
    { schema: { summary: 'One exception: payload, error, where it stands now and its history', params: IdParams, response: { 200: ExceptionDetail, 404: ConsoleErrorSchema } } },
    async (request, reply) => {
      const entry = await storage.deadLetters.get(request.params.id);
      if (!entry) return sendError(reply, 404, ConsoleErrorCode.notFound, `there is no exception #${request.params.id}`);
      const history = await storage.audit.list({ subject: `dead-letter:${entry.id}`, limit: 100 });
      const historyOut = history.map(({ id, at, actor, action, reason }) => ({ id, at, actor, action, reason }));
      const now = clock();
      if (entry.kind === 'delivery') {
        const item = await storage.delivery.get(Number(entry.ref));
        if (item) {
          const where =
            item.status === 'delivered'
              ? `delivered to ${systemName(item.target)}${item.externalId ? ` (id ${item.externalId})` : ''}`
              : item.status === 'dead'
                ? entry.status === 'open'
                  ? 'not delivered: waiting for an operator'
                  : `not delivered (the exception was ${entry.status})`
                : `back in the ${item.target} queue (${item.status === 'in_flight' ? 'being delivered now' : 'waiting its turn'})`;
          return { exception: summarize(entry, now, item.operation), error: entry.error, subject: { kind: 'delivery' as const, item }, now: where, history: historyOut };
        }
        return { exception: summarize(entry, now), error: entry.error, subject: { kind: 'missing' as const, ref: entry.ref }, now: 'the delivery item is no longer stored', history: historyOut };
      }
      const instance = await storage.flows.get(entry.ref);
      if (!instance) return { exception: summarize(entry, now), error: entry.error, subject: { kind: 'missing' as const, ref: entry.ref }, now: 'the flow instance is no longer stored', history: historyOut };
      return { exception: summarize(entry, now), error: entry.error, subject: { kind: 'flow' as const, instance }, now: `flow ${instance.flow} is ${instance.status}`, history: historyOut };
    },
  );

  /** Acts through `deadLetters.act`, which writes the audit entry in the same transaction. */
  async function act(id: number, action: ExceptionAction, actor: string, reason: string) {
    const status = ACTION_STATUS[action];
    const entry = await storage.deadLetters.get(id);
    if (!entry) return { id, outcome: 'not-found' as const, status: null, message: `there is no exception #${id}` };
    const done = await storage.deadLetters.act(id, status, { actor, reason: reason.trim(), now: clock() });
    if (done) return { id, outcome: 'done' as const, status, message: `#${id} ${status} by ${actor}` };
    const current = await storage.deadLetters.get(id);
    return { id, outcome: 'not-open' as const, status: current?.status ?? entry.status, message: `#${id} is not open any more (it is ${current?.status ?? entry.status}); nothing done` };
  }

  api.post(
    `${prefix}/:id/:action`,
    {
      preHandler: requireRole('operator'),
      schema: { summary: 'Retry, resolve or discard one exception (audited)', params: ActionParams, body: ActionBody, response: { 200: ActionResult, 404: ConsoleErrorSchema, 409: ActionResult } },
    },
    async (request, reply) => {
      const result = await act(request.params.id, request.params.action, sessionOf(request).user, request.body.reason);
      if (result.outcome === 'not-found') return sendError(reply, 404, ConsoleErrorCode.notFound, result.message);
      return reply.code(result.outcome === 'done' ? 200 : 409).send(result);
    },
  );

  api.post(
    `${prefix}/bulk`,
    { preHandler: requireRole('operator'), schema: { summary: 'Retry, resolve or discard many exceptions (each audited)', body: BulkBody, response: { 200: BulkResult } } },
    async (request) => {
      const actor = sessionOf(request).user;
      const results = [];
      // One by one: each action is its own audited transaction, and an entry someone else
      // acted on meanwhile is reported, not overwritten.
      for (const id of request.body.ids) results.push(await act(id, request.body.action, actor, request.body.reason));
      const done = results.filter((result) => result.outcome === 'done').length;
      return { results, done, skipped: results.length - done };
    },
  );
}
