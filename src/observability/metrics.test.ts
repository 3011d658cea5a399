import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../adapters/sqlite/index.ts';
import { eventually } from '../ports/conformance/harness.ts';
import { PermanentError } from '../runtime/errors.ts';
import { defineFlow } from '../runtime/flows/definition.ts';
import { Hub } from '../runtime/hub.ts';
import { RecordingTarget } from '../runtime/testing/recording-target.ts';
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
    const erp = new RecordingTarget('erp', { maxBatchSize: 10, concurrency: 2, requests: { limit: 1000, windowMs: 60_000 } }, (batch) =>
      batch.map((item) => (item.key === 'SO-BAD' ? { ok: false, error: new PermanentError('Invalid item', { code: 'INVALID_VALUE' }) } : { ok: true })),
    );
    hub = new Hub({
      bus: adapters.bus,
      storage: adapters.storage,
      targets: [erp],
      flows: [
        defineFlow({
          name: 'order-capture',
          startsOn: ['retail.order.placed.v1'],
          async run(ctx) {
            await ctx.deliver('book', { target: 'erp', kind: 'command', key: ctx.key, operation: 'bookOrder', payload: {} });
          },
        }),
      ],
      soleWorker: true,
      delivery: { idlePollMs: 10 },
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
    const metrics = createHubMetrics(hub, { defaultMetrics: false });
    await hub.start();
    await adapters.bus.publish(
      ['SO-1', 'SO-2', 'SO-BAD'].map((subject) => ({ specversion: '1.0' as const, id: subject, source: 'crossdock://test', type: 'retail.order.placed.v1', subject })),
    );
    await eventually(async () => (await adapters.storage.deadLetters.count({ status: 'open' })) === 1 && erp.effects.size === 2, 'outcomes');
    await eventually(async () => (await metrics.registry.metrics()).includes('crossdock_delivery_items_total{target="erp",outcome="delivered"} 2'), 'delivered counter');
    const text = await metrics.registry.metrics();
    expect(text).toContain('crossdock_delivery_items_total{target="erp",outcome="dead_lettered"} 1');
    expect(text).toContain('crossdock_delivery_queue_depth{target="erp",status="dead"} 1');
    expect(text).toContain('crossdock_circuit_state{target="erp"} 0');
    expect(text).toContain('crossdock_quota_limit{target="erp"} 1000');
    expect(text).toContain('crossdock_event_log_lag_events{consumer="flows"} 0');
    expect(text).toContain('crossdock_dead_letters_open 1');
    expect(text).toContain('crossdock_flow_runs_total{flow="order-capture",outcome="completed"} 3');
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
