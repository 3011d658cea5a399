import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Bus } from '../../ports/bus.ts';
import type { DeadLetter, DeadLetterStatus, Storage } from '../../ports/storage.ts';
import { requireRole, sessionOf } from '../auth/guard.ts';
import { ConsoleErrorCode, ConsoleErrorSchema, sendError } from '../errors.ts';
import { createOperatorDecisions } from './actions.ts';
import { actOnMatching, countMatching } from './bulk.ts';
import { businessKeyOf, describeDeadLetter, systemName } from './describe.ts';
import { editabilityOf } from './payload.ts';
import { createExceptionGrouper, errorCodeOf, pageExceptions } from './query.ts';
import {
  ActionBody,
  ActionParams,
  ActionResult,
  BulkBody,
  BulkMatchingBody,
  BulkMatchingResult,
  BulkResult,
  CountChangedSchema,
  ExceptionDetail,
  ExceptionGroupsSchema,
  ExceptionListQuery,
  ExceptionPageSchema,
  FixBody,
  GroupsQuery,
  IdParams,
  InvalidPayloadSchema,
  MatchingCount,
  MatchingFilter,
  type CountChanged,
  type ExceptionSummary,
} from './schemas.ts';

export interface ExceptionRoutesOptions {
  storage: Storage;
  /** Where a decision for a flow waiting on an operator is published. */
  bus: Bus;
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

/** Dead letters ("exceptions" to an operator): list, groups, detail, audited actions, and fix and resume. */
export async function exceptionRoutes(app: FastifyInstance, options: ExceptionRoutesOptions): Promise<void> {
  const { storage, clock } = options;
  const prefix = `${options.apiPrefix}exceptions`;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const groups = createExceptionGrouper(storage.deadLetters, { clock, cacheMs: options.groupsCacheMs ?? 5_000 });
  const decided = createOperatorDecisions({
    storage,
    bus: options.bus,
    clock,
    // The error only: the event carried the operator's payload, which may hold personal data.
    onUndelivered: (entry, error) => app.log.error({ err: error, deadLetterId: entry.id, flowInstance: entry.ref }, 'operator decision recorded but not published to the waiting flow'),
  });
  // Every decision changes the counts by reason: the next groups request computes them afresh.
  const decisions: typeof decided = {
    act: (...args) => decided.act(...args).finally(groups.invalidate),
    fix: (...args) => decided.fix(...args).finally(groups.invalidate),
  };

  api.get(prefix, { schema: { summary: 'Exceptions (dead letters), paged by id', querystring: ExceptionListQuery, response: { 200: ExceptionPageSchema } } }, async (request) => {
    const { status, kind, target, key, errorCode, afterId, limit } = request.query;
    const filter = { ...statusFilter(status), ...(kind && { kind }), ...(target && { target }), ...(key && { key }), ...(errorCode && { errorCode }) };
    const [page, total] = await Promise.all([pageExceptions(storage.deadLetters, filter, { ...(afterId !== undefined && { afterId }), limit }), storage.deadLetters.count(filter)]);
    const now = clock();
    return { items: page.items.map((entry) => summarize(entry, now)), nextAfterId: page.nextAfterId, total, scanned: page.scanned };
  });

  api.get(`${prefix}/groups`, { schema: { summary: 'Exception counts by target and error code', querystring: GroupsQuery, response: { 200: ExceptionGroupsSchema } } }, async (request) => {
    return groups({ ...statusFilter(request.query.status), ...(request.query.kind && { kind: request.query.kind }) });
  });

  // Static segments win over `/:id`, so `matching` is never taken for an id.
  api.get(
    `${prefix}/matching`,
    { schema: { summary: 'How many open exceptions match a filter, and the newest of them: what a bulk action by filter confirms', querystring: MatchingFilter, response: { 200: MatchingCount } } },
    async (request) => countMatching(storage.deadLetters, request.query),
  );

  api.get(
    `${prefix}/:id`,
    { schema: { summary: 'One exception: payload, error, where it stands now and its history', params: IdParams, response: { 200: ExceptionDetail, 404: ConsoleErrorSchema } } },
    async (request, reply) => {
      const entry = await storage.deadLetters.get(request.params.id);
      if (!entry) return sendError(reply, 404, ConsoleErrorCode.notFound, `there is no exception #${request.params.id}`);
      const history = await storage.audit.list({ subject: `dead-letter:${entry.id}`, limit: 100 });
      const historyOut = history.map(({ id, at, actor, action, reason, detail }) => ({ id, at, actor, action, reason, ...(detail && { detail }) }));
      const now = clock();
      if (entry.kind === 'delivery') {
        const item = await storage.delivery.get(Number(entry.ref));
        const editability = editabilityOf(entry, item);
        const editable = editability.editable ? editability.value : null;
        if (item) {
          const where =
            item.status === 'delivered'
              ? `delivered to ${systemName(item.target)}${item.externalId ? ` (id ${item.externalId})` : ''}`
              : item.status === 'dead'
                ? entry.status === 'open'
                  ? 'not delivered: waiting for an operator'
                  : `not delivered (the exception was ${entry.status})`
                : `back in the ${item.target} queue (${item.status === 'in_flight' ? 'being delivered now' : 'waiting its turn'})`;
          return { exception: summarize(entry, now, item.operation), error: entry.error, subject: { kind: 'delivery' as const, item }, now: where, editable, history: historyOut };
        }
        return { exception: summarize(entry, now), error: entry.error, subject: { kind: 'missing' as const, ref: entry.ref }, now: 'the delivery item is no longer stored', editable, history: historyOut };
      }
      const editability = editabilityOf(entry, undefined);
      const editable = editability.editable ? editability.value : null;
      const instance = await storage.flows.get(entry.ref);
      if (!instance) return { exception: summarize(entry, now), error: entry.error, subject: { kind: 'missing' as const, ref: entry.ref }, now: 'the flow instance is no longer stored', editable, history: historyOut };
      const where = editable !== null && instance.status === 'waiting' ? `flow ${instance.flow} is waiting for an operator's decision` : `flow ${instance.flow} is ${instance.status}`;
      return { exception: summarize(entry, now), error: entry.error, subject: { kind: 'flow' as const, instance }, now: where, editable, history: historyOut };
    },
  );

  // Registered before `/:id/:action`; a static segment wins over a parameter either way.
  api.post(
    `${prefix}/:id/fix`,
    {
      preHandler: requireRole('operator'),
      schema: {
        summary: 'Fix and resume: retry one exception with a corrected payload (checked, audited with the previous payload)',
        params: IdParams,
        body: FixBody,
        response: { 200: ActionResult, 400: Type.Union([InvalidPayloadSchema, ConsoleErrorSchema]), 404: ConsoleErrorSchema, 409: Type.Union([ActionResult, ConsoleErrorSchema]), 502: ActionResult },
      },
    },
    async (request, reply) => {
      const fixed = await decisions.fix(request.params.id, request.body.payload, sessionOf(request).user, request.body.reason);
      switch (fixed.outcome) {
        case 'not-found':
          return sendError(reply, 404, ConsoleErrorCode.notFound, fixed.result.message);
        case 'not-editable':
          return sendError(reply, 409, ConsoleErrorCode.notEditable, fixed.message);
        case 'invalid':
          return reply.code(400).send({ error: { code: ConsoleErrorCode.invalidPayload, message: fixed.problem.message, field: fixed.problem.field, issues: fixed.problem.issues } });
        case 'not-open':
          return reply.code(409).send(fixed.result);
        case 'undelivered':
          return reply.code(502).send(fixed.result);
        case 'done':
          return fixed.result;
      }
    },
  );

  api.post(
    `${prefix}/:id/:action`,
    {
      preHandler: requireRole('operator'),
      schema: {
        summary: 'Retry, resolve or discard one exception (audited); a flow waiting for an operator is told the decision',
        params: ActionParams,
        body: ActionBody,
        response: { 200: ActionResult, 404: ConsoleErrorSchema, 409: ActionResult, 502: ActionResult },
      },
    },
    async (request, reply) => {
      const result = await decisions.act(request.params.id, request.params.action, sessionOf(request).user, request.body.reason);
      if (result.outcome === 'not-found') return sendError(reply, 404, ConsoleErrorCode.notFound, result.message);
      return reply.code(result.outcome === 'done' ? 200 : result.outcome === 'undelivered' ? 502 : 409).send(result);
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
      for (const id of request.body.ids) results.push(await decisions.act(id, request.body.action, actor, request.body.reason));
      const done = results.filter((result) => result.outcome === 'done').length;
      return { results, done, skipped: results.length - done };
    },
  );

  api.post(
    `${prefix}/bulk/matching`,
    {
      preHandler: requireRole('operator'),
      schema: {
        summary: 'Retry, resolve or discard every open exception matching a filter (a group), in chunks, each audited; refused when the confirmed count is no longer true',
        body: BulkMatchingBody,
        response: { 200: BulkMatchingResult, 409: CountChangedSchema },
      },
    },
    async (request, reply) => {
      const { filter, action, reason, expectedCount, upToId } = request.body;
      const actor = sessionOf(request).user;
      const outcome = await actOnMatching({ deadLetters: storage.deadLetters, audit: storage.audit, decisions, clock }, { filter, action, actor, reason, expectedCount, upToId });
      if (outcome.outcome === 'count-changed') {
        const { stillOpen, arrivedSince, matching } = outcome;
        const arrived = arrivedSince > 0 ? ` (and ${arrivedSince} more arrived since, which would not be included)` : '';
        const body: CountChanged = {
          error: { code: ConsoleErrorCode.countChanged, message: `you confirmed ${expectedCount}, but ${stillOpen} of those are open now${arrived}; nothing was done: check and confirm the new count (${matching.count})` },
          expectedCount,
          stillOpen,
          arrivedSince,
          matching,
        };
        return reply.code(409).send(body);
      }
      const { result } = outcome;
      request.log.info({ action, filter, done: result.done, notOpen: result.notOpen, arrivedSince: result.arrivedSince, tookMs: result.tookMs, actor }, 'bulk action on exceptions matching a filter');
      return result;
    },
  );
}
