import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../adapters/sqlite/index.ts';
import { eventually } from '../ports/conformance/harness.ts';
import { PermanentError, TransientError } from '../runtime/errors.ts';
import { defineFlow } from '../runtime/flows/definition.ts';
import { Hub } from '../runtime/hub.ts';
import { RecordingTarget } from '../runtime/testing/recording-target.ts';
import { InboundEventsChannel, InboundOutcome } from './inbound-events.ts';
import { createHubMetrics } from './metrics.ts';

describe('createHubMetrics', () => {
  let adapters: EmbeddedAdapters;
  let hub: Hub;
  afterEach(async () => {
    await hub?.stop();
    await adapters?.close();
  });

  it('exposes delivery, queue, circuit, quota, lag and flow figures in Prometheus text format', async () => {
    adapters = await openSqlite({ path: ':memory:' });
    let retriedOnce = false;
    const erp = new RecordingTarget('erp', { maxBatchSize: 10, concurrency: 2, requests: { limit: 1000, windowMs: 60_000 } }, (batch) =>
      batch.map((item) => {
        if (item.key === 'SO-BAD') return { ok: false, error: new PermanentError('Invalid item', { code: 'INVALID_VALUE' }) };
        if (item.key === 'SO-RETRY' && !retriedOnce) {
          retriedOnce = true;
          return { ok: false, error: new TransientError('ERP busy', { code: 'SERVICE_UNAVAILABLE' }) };
        }
        return { ok: true };
      }),
    );
    // A Shopify-style target: a bucket of 1,000 cost points, each request costing 10 per item.
    const commerce = Object.assign(new RecordingTarget('commerce', { maxBatchSize: 10, concurrency: 1, costPoints: { capacity: 1000, restorePerSecond: 0.001 } }), {
      cost: (batch: readonly unknown[]) => 10 * batch.length,
    });
    hub = new Hub({
      bus: adapters.bus,
      storage: adapters.storage,
      targets: [erp, commerce],
      flows: [
        defineFlow({
          name: 'order-capture',
          startsOn: ['retail.order.placed.v1'],
          async run(ctx) {
            await ctx.deliver('book', { target: 'erp', kind: 'command', key: ctx.key, operation: 'bookOrder', payload: {} });
            await ctx.deliver('publish', { target: 'commerce', kind: 'command', key: ctx.key, operation: 'markBooked', payload: {} });
          },
        }),
      ],
      soleWorker: true,
      delivery: { idlePollMs: 10, retry: { initialDelayMs: 5, maxDelayMs: 20 } },
      jobs: [
        { name: 'poll:erp.inventory', everyMs: 20, run: async () => {} },
        {
          name: 'poll:crm.cases',
          everyMs: 20,
          run: async () => {
            throw new Error('INVALID_SESSION_ID');
          },
        },
      ],
    });
    const inboundEvents = new InboundEventsChannel();
    const metrics = createHubMetrics(hub, { defaultMetrics: false, inboundEvents });
    await hub.start();
    await adapters.bus.publish(
      ['SO-1', 'SO-2', 'SO-BAD', 'SO-RETRY'].map((subject) => ({ specversion: '1.0' as const, id: subject, source: 'crossdock://test', type: 'retail.order.placed.v1', subject })),
    );
    await eventually(async () => (await adapters.storage.deadLetters.count({ status: 'open' })) === 1 && erp.effects.size === 3 && commerce.effects.size === 4, 'outcomes');
    await eventually(async () => (await metrics.registry.metrics()).includes('crossdock_delivery_items_total{target="erp",outcome="delivered"} 3'), 'delivered counter');
    const text = await metrics.registry.metrics();
    expect(text).toContain('crossdock_delivery_items_total{target="erp",outcome="dead_lettered"} 1');
    expect(text).toContain('crossdock_delivery_items_total{target="erp",outcome="retried"} 1');
    // Requests sent to erp in its window: at least one per item sent, the retry included.
    expect(Number(/^crossdock_quota_used\{target="erp"\} (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(2);
    // Cost points: only for a target whose budget has them; 4 items at 10 points from 1,000.
    expect(text).toMatch(/^crossdock_target_cost_points_available\{target="commerce"\} 960$/m);
    expect(text).toMatch(/^crossdock_target_cost_points_capacity\{target="commerce"\} 1000$/m);
    expect(text).not.toContain('crossdock_target_cost_points_available{target="erp"}');
    // One run per order: its duration observed per flow.
    expect(text).toContain('crossdock_flow_run_duration_seconds_count{flow="order-capture"} 4');
    expect(text).toMatch(/^crossdock_flow_run_duration_seconds_bucket\{le="\+Inf",flow="order-capture"\} 4$/m);
    expect(text).toContain('crossdock_delivery_queue_depth{target="erp",status="dead"} 1');
    expect(text).toContain('crossdock_circuit_state{target="erp"} 0');
    expect(text).toContain('crossdock_quota_limit{target="erp"} 1000');
    expect(text).toContain('crossdock_event_log_lag_events{consumer="flows"} 0');
    expect(text).toContain('crossdock_dead_letters_open 1');
    expect(text).toContain('crossdock_flow_runs_total{flow="order-capture",outcome="completed"} 4');
    // Inbound events, as the routes report them: by route, type and outcome.
    inboundEvents.reportEvents('events', InboundOutcome.accepted, [{ type: 'retail.sale.completed.v1' }, { type: 'retail.sale.completed.v1' }]);
    inboundEvents.report({ source: 'webhook:wms', type: 'unknown', outcome: InboundOutcome.refused, count: 1 });
    const inbound = await metrics.registry.metrics();
    expect(inbound).toContain('crossdock_inbound_events_total{source="events",type="retail.sale.completed.v1",outcome="accepted"} 2');
    expect(inbound).toContain('crossdock_inbound_events_total{source="webhook:wms",type="unknown",outcome="refused"} 1');
    expect(text).toMatch(/crossdock_delivery_request_duration_seconds_count\{target="erp"\} [1-9]/);
    // Scheduled jobs: runs by outcome, and when each last finished (what a stuck-poller alert reads).
    await eventually(async () => /poll:crm.cases",outcome="failed"\} [1-9]/.test(await metrics.registry.metrics()), 'both jobs ran');
    const jobs = await metrics.registry.metrics();
    expect(jobs).toMatch(/crossdock_scheduled_job_runs_total\{job="poll:erp.inventory",outcome="ok"\} [1-9]/);
    expect(jobs).toMatch(/crossdock_scheduled_job_runs_total\{job="poll:crm.cases",outcome="failed"\} [1-9]/);
    const finished = /crossdock_scheduled_job_last_finished_timestamp_seconds\{job="poll:erp.inventory"\} ([\d.e+]+)/.exec(jobs);
    expect(Math.abs(Number(finished?.[1]) - Date.now() / 1000)).toBeLessThan(60);
    // The next flow timer: 0 with none armed, its fire time once one is.
    expect(jobs).toMatch(/^crossdock_flow_timer_next_fire_timestamp_seconds 0$/m);
    await adapters.storage.timers.arm({ id: 'sla-SO-1', flowId: 'order-capture:SO-1', step: 'sla', fireAt: Date.parse('2026-11-27T09:00:00Z') });
    expect(await metrics.registry.metrics()).toMatch(/^crossdock_flow_timer_next_fire_timestamp_seconds 1795770000$/m);
  });
});
