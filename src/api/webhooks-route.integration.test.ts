import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../adapters/sqlite/index.ts';
import { recordingContext } from '../connectors/conformance/harness.ts';
import { createConnectorFromConfig } from '../connectors/registry.ts';
import { newOrder, releaseItem } from '../connectors/wms/testing.ts';
import { eventually } from '../ports/conformance/harness.ts';
import { startWmsSandbox, type RunningWmsSandbox } from '../sandboxes/wms/index.ts';
import { createHubServer } from './server.ts';
import { webhookRoutes } from './webhooks-route.ts';

describe('POST /webhooks/<role>', () => {
  let wms: RunningWmsSandbox | undefined;
  let adapters: EmbeddedAdapters | undefined;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    await wms?.close();
    await adapters?.close();
  });

  it('verifies, persists and dedupes a real WMS webhook sent to the hub; a forged one gets 401', async () => {
    wms = await startWmsSandbox({ initialStock: { 'TRAIL-RUNNER-42-BLU': 20, 'MERINO-SOCK-M-GRY': 20 }, webhookTimeScale: 0.001, requestsPerSecond: 1_000 });
    adapters = await openSqlite({ path: ':memory:' });
    const app = createHubServer({ bus: adapters.bus });
    const receivers = new Map();
    await app.register(webhookRoutes, { bus: adapters.bus, storage: adapters.storage, receivers });
    await app.listen({ host: '127.0.0.1', port: 0 });
    close = () => app.close();
    const hubUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${wms!.url}${path}`, { method, headers: { authorization: `Bearer ${wms!.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((response) => response.json() as Promise<Record<string, unknown>>);
    // Two subscriptions to the hub: every event is delivered twice, as a sender retry would be.
    const secrets: string[] = [];
    for (let copy = 0; copy < 2; copy++) {
      secrets.push(String((await api('POST', '/v1/webhooks', { url: `${hubUrl}/webhooks/wms`, topics: ['fulfillment_order.shipped'] })).secret));
    }
    // The connector built from configuration, as `crossdock start` builds it.
    const connector = await createConnectorFromConfig('wms', {
      connector: 'wms',
      settings: { baseUrl: wms.url, apiKey: wms.apiKey, webhookSecret: secrets, warehouseLocationCode: 'DC-EAST' },
    });
    receivers.set('wms', connector.webhook);

    const order = newOrder();
    const [released] = await connector.deliver([releaseItem(order)], recordingContext());
    const id = (released as { externalId: string }).externalId;
    for (const type of ['picked', 'packed']) await api('POST', `/v1/fulfillment-orders/${id}/events`, { type });
    await api('POST', `/v1/fulfillment-orders/${id}/events`, { type: 'shipped', carrier: 'DPD', trackingNumber: '1550123' });
    const [logged] = await eventually(async () => {
      const found = await adapters!.bus.find({ type: 'retail.shipment.milestone-reached.v1' });
      return found.length > 0 ? found : undefined;
    }, 'the shipment event in the log');
    expect(logged!.event.data).toMatchObject({ orderNumber: order.orderNumber, trackingNumber: '1550123' });

    // Both copies were answered 200, and the log kept one event.
    await eventually(() => wms!.webhooks.attempts.filter((entry) => entry.status === 200).length === 2, 'both deliveries answered');
    expect(await adapters.bus.find({ type: 'retail.shipment.milestone-reached.v1' })).toHaveLength(1);

    const forged = await app.inject({
      method: 'POST',
      url: '/webhooks/wms',
      headers: { 'content-type': 'application/json', 'x-wms-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`, 'x-wms-delivery-id': 'forged-1' },
      payload: JSON.stringify({ id: 'evt_forged', type: 'fulfillment_order.shipped', data: {} }),
    });
    expect(forged.statusCode).toBe(401);
    expect(await adapters.bus.find({ type: 'retail.shipment.milestone-reached.v1' })).toHaveLength(1);
    expect((await app.inject({ method: 'POST', url: '/webhooks/erp', payload: '{}' })).statusCode).toBe(404);
  });

  it('names the configuration key when a connector is unknown or refuses its settings', async () => {
    await expect(createConnectorFromConfig('erp', { connector: 'netsuit', settings: {} })).rejects.toThrow(/systems\.erp\.connector: unknown connector "netsuit"/);
    await expect(createConnectorFromConfig('wms', { connector: 'wms', settings: { apiKey: 'k' } })).rejects.toThrow(/systems\.wms\.settings\.baseUrl: required by the wms connector/);
    await expect(createConnectorFromConfig('wms', { connector: 'wms', settings: { baseUrl: 'http://127.0.0.1:1', apiKey: 'k', webhookSecret: 's' } })).rejects.toThrow(
      /systems\.wms\.settings: the wms connector refused its settings: .*warehouseLocationCode/,
    );
  });
});
