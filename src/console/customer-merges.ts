import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { unmergeRequestedEvent } from '../flows/customers/events.ts';
import { CustomerRecordEntity, type CustomerMerge } from '../flows/customers/records.ts';
import type { Bus } from '../ports/bus.ts';
import type { Storage } from '../ports/storage.ts';
import { requireRole, sessionOf } from './auth/guard.ts';
import { ConsoleErrorCode, ConsoleErrorSchema, sendError } from './errors.ts';

export interface CustomerMergeRoutesOptions {
  storage: Storage;
  /** Where the undo request is published for the customer flow. */
  bus: Bus;
  clock: () => number;
  apiPrefix: string;
}

const MergeParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, description: 'The merge id, e.g. merge-3f9a0c1d2e4b5a6f.' }) });

const MergeSummary = Type.Object({
  mergeId: Type.String(),
  survivorId: Type.String(),
  mergedId: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('undone'), Type.Literal('undo-requested')]),
  matchedOn: Type.Array(Type.String()),
  reason: Type.String(),
  mergedAt: Type.Number(),
  undoneAt: Type.Union([Type.Number(), Type.Null()]),
  undoneBy: Type.Union([Type.String(), Type.Null()]),
});

const UndoBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why the two customers are different people (audited).' }) });

function summary(merge: CustomerMerge, status: CustomerMerge['status'] | 'undo-requested' = merge.status) {
  return {
    mergeId: merge.mergeId,
    survivorId: merge.survivorId,
    mergedId: merge.mergedId,
    status,
    matchedOn: merge.matchedOn,
    reason: merge.reason,
    mergedAt: merge.mergedAt,
    undoneAt: merge.undoneAt ?? null,
    undoneBy: merge.undoneBy ?? null,
  };
}

/**
 * Customer merges in the console: read one, and undo one (operator or admin). The undo is
 * audited and handed to the customer flow as an event, so it runs in turn with the customer
 * changes arriving, never beside one; the merge record shows `undone` once it has run.
 */
export async function customerMergeRoutes(app: FastifyInstance, options: CustomerMergeRoutesOptions): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const prefix = `${options.apiPrefix}customers/merges`;
  const { storage } = options;

  api.get(
    `${prefix}/:id`,
    { schema: { summary: 'A merge of two duplicate customers', params: MergeParams, response: { 200: MergeSummary, 404: ConsoleErrorSchema } } },
    async (request, reply) => {
      const merge = await storage.records.get<CustomerMerge>(CustomerRecordEntity.merge, request.params.id);
      if (!merge) return sendError(reply, 404, ConsoleErrorCode.notFound, `there is no customer merge ${request.params.id}`);
      return summary(merge.data);
    },
  );

  api.post(
    `${prefix}/:id/undo`,
    {
      preHandler: requireRole('operator'),
      schema: {
        summary: 'Undo a merge of two customers (audited): both come back as they were and are kept apart',
        params: MergeParams,
        body: UndoBody,
        response: { 202: MergeSummary, 404: ConsoleErrorSchema, 409: ConsoleErrorSchema },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const merge = await storage.records.get<CustomerMerge>(CustomerRecordEntity.merge, id);
      if (!merge) return sendError(reply, 404, ConsoleErrorCode.notFound, `there is no customer merge ${id}`);
      if (merge.data.status === 'undone') {
        return sendError(reply, 409, ConsoleErrorCode.notOpen, `merge ${id} was undone already by ${merge.data.undoneBy ?? 'someone'}`);
      }
      const actor = sessionOf(request).user;
      const now = options.clock();
      const auditId = await storage.audit.record({ at: now, actor, action: 'customer.unmerge', subject: `customer-merge:${id}`, reason: request.body.reason });
      await options.bus.publish([unmergeRequestedEvent({ mergeId: id, actor, reason: request.body.reason, requestId: String(auditId), now })]);
      return reply.code(202).send(summary(merge.data, 'undo-requested'));
    },
  );
}
