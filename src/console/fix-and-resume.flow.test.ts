import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../adapters/sqlite/index.ts';
import { createRetailEvent } from '../canonical/events/create-event.ts';
import { sampleOrder } from '../canonical/fixtures.ts';
import type { Order } from '../canonical/order.ts';
import { eventually } from '../ports/conformance/harness.ts';
import { defineFlow } from '../runtime/flows/definition.ts';
import { raiseAndAwaitOperator } from '../runtime/flows/operator.ts';
import { Hub } from '../runtime/hub.ts';
import { consoleGet, consolePost, loginAs, testUsers } from './testing.ts';
import { consolePlugin } from './plugin.ts';

/** The SKUs the item master knows; anything else is an exception for an operator. */
const CATALOG = new Set(['TRAIL-RUNNER-42-BLU', 'MERINO-SOCK-M-GRY']);

/**
 * A tiny durable flow: checks an order's SKUs against the catalogue; an unknown SKU is raised to
 * an operator and the flow waits for the decision, then checks the (possibly corrected) order
 * again. It records the order it accepted as its last step.
 */
const orderValidation = defineFlow({
  name: 'order-validation',
  startsOn: ['retail.order.placed.v1'],
  instanceId: (event) => `order-validation:${event.subject}`,
  async run(ctx, event) {
    let order = event.data as Order;
    for (let round = 1; ; round++) {
      const unknown = await ctx.step(`check-${round}`, () => order.lines.map((line) => line.sku).filter((sku) => !CATALOG.has(sku)));
      if (unknown.length === 0) break;
      const resolution = await raiseAndAwaitOperator(ctx, `validation-${round}`, {
        code: 'UNKNOWN_SKU',
        message: `unknown SKU ${unknown.join(', ')}`,
        payload: order,
        context: { entity: 'order', businessKey: order.orderNumber },
      });
      if (resolution.decision === 'discard') return;
      if (resolution.decision === 'override') break;
      if (resolution.decision === 'fix') order = resolution.payload as Order;
    }
    await ctx.step('accepted', () => order.lines.map((line) => line.sku));
  },
});

describe('fix and resume with the real flow runtime', () => {
  let adapters: EmbeddedAdapters;
  let hub: Hub;
  let app: FastifyInstance;
  afterEach(async () => {
    await app?.close();
    await hub?.stop();
    await adapters?.close();
  });

  it('a flow waiting for an operator resumes with the payload corrected in the console and completes', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    hub = new Hub({ bus: adapters.bus, storage: adapters.storage, targets: [], flows: [orderValidation], soleWorker: true });
    await hub.start();
    app = Fastify({ logger: false });
    await app.register(consolePlugin, { hub, users: await testUsers(), cookieSecret: 'test-secret-test-secret-test-secret-0123', metrics: { intervalMs: 60_000 } });
    await app.ready();

    const order = sampleOrder({ orderNumber: 'WEB-8001' });
    order.lines[0]!.sku = 'TRAIL-RUNNR-42';
    await adapters.bus.publish([createRetailEvent({ type: 'retail.order.placed.v1', data: order, source: 'crossdock://connectors/shopify' })]);
    const instanceId = 'order-validation:WEB-8001';
    await eventually(async () => (await adapters.storage.flows.get(instanceId))?.status === 'waiting', 'the flow waits for an operator');
    const [exception] = await adapters.storage.deadLetters.list({ status: 'open', kind: 'flow' });
    expect(exception).toMatchObject({ ref: instanceId, error: { code: 'UNKNOWN_SKU' }, context: { awaitsOperator: true } });

    const operator = await loginAs(app, 'operator');
    const detail = (await consoleGet(app, operator, `/api/console/exceptions/${exception!.id}`)).json<{ editable: { payload: Order; entity: string }; now: string }>();
    expect(detail.editable).toEqual({ payload: order, entity: 'order' });
    expect(detail.now).toBe("flow order-validation is waiting for an operator's decision");

    const fixed: Order = { ...order, lines: order.lines.map((line, index) => (index === 0 ? { ...line, sku: 'TRAIL-RUNNER-42-BLU' } : line)) };
    const response = await consolePost(app, operator, `/api/console/exceptions/${exception!.id}/fix`, { payload: fixed, reason: 'SKU typo on line 1' });
    expect(response.statusCode).toBe(200);

    const done = await eventually(async () => {
      const instance = await adapters.storage.flows.get(instanceId);
      return instance?.status === 'completed' ? instance : undefined;
    }, 'the flow completes');
    const journal = new Map(done.journal.map((entry) => [entry.step, entry.result]));
    // Checked again with the corrected order, and accepted as corrected.
    expect(journal.get('check-2')).toEqual([]);
    expect(journal.get('accepted')).toEqual(['TRAIL-RUNNER-42-BLU', 'MERINO-SOCK-M-GRY']);
    expect(await adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
    expect((await adapters.storage.audit.list({}))[0]).toMatchObject({ actor: 'operator', action: 'dead-letter.fixed', reason: 'SKU typo on line 1' });
  });
});
