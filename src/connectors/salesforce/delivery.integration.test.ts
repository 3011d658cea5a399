import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../adapters/sqlite/index.ts';
import type { NewDeliveryItem } from '../../ports/storage.ts';
import { DeliveryEngine } from '../../runtime/delivery/engine.ts';
import { runCustomerUpsertScenario } from './delivery-scenario.ts';
import { connectedSandbox, customer, records } from './test-support.ts';

describe('Salesforce connector behind the DeliveryEngine', () => {
  it('delivers 10,000 distinct customer upserts within 1.05 x the minimum number of calls', async () => {
    const result = await runCustomerUpsertScenario({ customers: 10_000 });
    expect(result.delivered).toBe(10_000);
    expect(result.deadLettered).toBe(0);
    expect(result.callsVsMin).toBeLessThanOrEqual(1.05);
  }, 120_000);

  it('lands the good records through lock contention and a session expiry, and dead-letters only the refused ones', async () => {
    const { sandbox, connector } = await connectedSandbox({ seed: 11, lockContentionRate: 0.05 });
    const adapters = await openSqlite({ path: ':memory:' });
    const engine = new DeliveryEngine({ storage: adapters.storage, targets: [connector], idlePollMs: 20, retry: { initialDelayMs: 5, maxDelayMs: 20 } });
    try {
      const values = Array.from({ length: 450 }, () => customer());
      const refused = new Set([17, 230, 449]);
      for (const index of refused) values[index] = customer({ partyType: 'business', companyName: undefined, name: { full: '' } as never });
      const items: NewDeliveryItem[] = values.map((value) => ({ target: 'crm', kind: 'state', key: value.hubId, operation: 'upsertCustomer', payload: value, idempotencyKey: `c:${value.hubId}`, version: 1 }));
      await engine.enqueue(items);
      let settled = 0;
      let expired = false;
      const done = new Promise<void>((resolve) => {
        const settle = (count: number) => {
          settled += count;
          if (settled >= 450) resolve();
        };
        engine.events.on('delivered', (event: { items: unknown[] }) => {
          if (!expired) expired = sandbox.expireSessions() > 0;
          settle(event.items.length);
        });
        engine.events.on('dead-lettered', () => settle(1));
      });
      await engine.start();
      await done;
      expect(expired).toBe(true);
      expect(records(sandbox, 'Account')).toHaveLength(447);
      const deadLetters = await adapters.storage.deadLetters.list({ target: 'crm', limit: 10 });
      expect(deadLetters.map((letter) => letter.key).sort()).toEqual([...refused].map((index) => values[index]!.hubId).sort());
      expect(deadLetters.every((letter) => letter.error.code === 'REQUIRED_FIELD_MISSING' && letter.error.field === 'Name')).toBe(true);
      expect(connector.client.calls.logins).toBe(2);
    } finally {
      await engine.stop();
      await adapters.close();
      await sandbox.close();
    }
  }, 60_000);
});
