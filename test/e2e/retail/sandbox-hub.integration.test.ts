import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../../src/adapters/sqlite/index.ts';
import { freePort } from '../../../src/assembly/free-port.ts';
import { CommandContext } from '../../../src/cli/context.ts';
import { sandboxUp } from '../../../src/cli/commands/sandbox.ts';
import { bufferedIo } from '../../../src/cli/testing.ts';
import { parseConfig } from '../../../src/config/load.ts';
import { DEMO_CONSOLE_CREDENTIALS } from '../../../src/console/index.ts';
import { eventually } from '../../../src/ports/conformance/harness.ts';
import { startHubProcess, type HubProcess } from './support/hub-process.ts';
import { hubActivity } from './support/quiet.ts';

interface NetSuiteState {
  records: Record<string, { id: string; externalId?: string; fields: Record<string, unknown> }[]>;
}
interface SalesforceState {
  records: Record<string, Record<string, unknown>[]>;
}
interface WmsState {
  fulfillmentOrders: { externalOrderId: string; lines: { sku: string; quantity: number }[] }[];
}

const urlOf = (output: string, system: string) => new RegExp(`^${system}\\s+(http://\\S+)`, 'm').exec(output)?.[1];
const stateOf = async <T>(url: string): Promise<T> => (await (await fetch(`${url}/__sandbox/state`)).json()) as T;

/**
 * The installation path a user follows: `crossdock sandbox up --write-config crossdock.yaml
 * --hub-url <url>` starts the sandboxes, subscribes their webhooks to the hub and writes the
 * configuration; `crossdock start --config crossdock.yaml` (its own process) runs the full retail
 * hub against them. A storefront order then travels Shopify → hub → NetSuite, Salesforce, WMS.
 */
describe('crossdock sandbox up --write-config, then crossdock start --config', () => {
  const folder = mkdtempSync(join(tmpdir(), 'crossdock-sandbox-hub-'));
  const stop = new AbortController();
  let running: Promise<number> | undefined;
  let hub: HubProcess | undefined;
  afterAll(async () => {
    await hub?.kill();
    stop.abort();
    await running;
    rmSync(folder, { recursive: true, force: true });
  });

  it('runs the retail hub against the sandboxes: a Shopify order is booked once in NetSuite, shown in Salesforce and released to the WMS', { timeout: 120_000 }, async () => {
    const hubUrl = `http://127.0.0.1:${await freePort()}`;
    const configFile = join(folder, 'crossdock.yaml');
    const io = bufferedIo({}, stop.signal);
    const context = new CommandContext(io);
    running = sandboxUp(context, { fast: true, writeConfig: configFile, hubUrl }).finally(() => context.dispose());
    await eventually(() => io.output().includes('press Ctrl-C to stop'), 'sandboxes up', 30_000);
    expect(io.output()).toContain(`Start the hub with: crossdock start --config ${configFile}`);

    // The file is a valid configuration naming every retail role's sandbox and the database.
    const config = parseConfig({ text: readFileSync(configFile, 'utf8'), file: configFile, env: {} });
    expect(Object.keys(config.systems).sort()).toEqual(['commerce', 'crm', 'erp', 'payments', 'wms']);
    expect(config.storage).toMatchObject({ kind: 'sqlite', path: join(folder, 'crossdock.sqlite') });
    expect(config.http.port).toBe(Number(new URL(hubUrl).port));

    hub = await startHubProcess({ configFile, hubUrl });
    // sandbox up sees the hub answer and sends it the ERP's day-one state.
    await eventually(() => io.output().includes("sent the ERP's day-one state"), 'the initial load sent', 30_000);
    // The hub has read the day-one catalogue and stock (an order checked before that is held
    // for an unknown SKU, as it would be in production before the initial load).
    await eventually(async () => {
      const activity = await hubActivity(hubUrl);
      return (activity.lag === 0 && activity.queued === 0) || undefined;
    }, 'the hub done with the initial load', 60_000);

    const shopifyUrl = urlOf(io.output(), 'shopify')!;
    const placed = await fetch(`${shopifyUrl}/__sandbox/shopify/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'jane.doe@example.com', lineItems: [{ sku: 'TRAIL-TEE-M-BLK', quantity: 2 }] }),
    });
    expect(placed.status).toBe(201);
    const orderNumber = `SHOP-${((await placed.json()) as { order: { order_number: number } }).order.order_number}`;

    // NetSuite: booked once, on the resolved customer, with the line as sold.
    const netsuiteUrl = urlOf(io.output(), 'netsuite')!;
    const salesOrders = await eventually(async () => {
      const found = (await stateOf<NetSuiteState>(netsuiteUrl)).records.salesOrder?.filter((order) => order.externalId === orderNumber) ?? [];
      return found.length > 0 ? found : undefined;
    }, `${orderNumber} booked in NetSuite`, 60_000);
    // Salesforce: the order is visible to agents; the WMS: it is released for shipping.
    const salesforceUrl = urlOf(io.output(), 'salesforce')!;
    await eventually(async () => (await stateOf<SalesforceState>(salesforceUrl)).records.Order?.some((order) => order.External_Id__c === orderNumber), `${orderNumber} in Salesforce`, 60_000);
    const wmsUrl = urlOf(io.output(), 'wms')!;
    const released = await eventually(
      async () => (await stateOf<WmsState>(wmsUrl)).fulfillmentOrders.find((order) => order.externalOrderId === orderNumber),
      `${orderNumber} released to the WMS`,
      60_000,
    );

    // The written configuration serves the console; the demo's operator signs in through its login route.
    expect(io.output()).toContain(`Its console: ${hubUrl}/console/`);
    expect(hub.output()).toContain(`console at ${hubUrl}/console/`);
    const consolePage = await fetch(`${hubUrl}/console/`);
    expect(consolePage.status).toBe(200);
    expect(await consolePage.text()).toContain('<title>Crossdock console</title>');
    const operator = DEMO_CONSOLE_CREDENTIALS.find((credential) => credential.role === 'operator')!;
    const signIn = await fetch(`${hubUrl}/api/console/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: operator.name, password: operator.password }),
    });
    expect(signIn.status).toBe(200);
    expect(await signIn.json()).toMatchObject({ user: operator.name, role: 'operator', personalDataMasked: false });
    const session = signIn.headers.getSetCookie().find((cookie) => cookie.startsWith('crossdock_console='))!.split(';')[0]!;
    const me = await fetch(`${hubUrl}/api/console/me`, { headers: { cookie: session } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: operator.name, role: 'operator' });

    expect(await hub.stop()).toBe(0);
    hub = undefined;
    const final = await stateOf<NetSuiteState>(netsuiteUrl);
    expect(final.records.salesOrder?.filter((order) => order.externalId === orderNumber)).toHaveLength(1);
    const items = (salesOrders[0]!.fields.item as { items: { item: { id: string }; quantity: number }[] }).items;
    const itemIds = new Map(final.records.inventoryItem?.map((item) => [item.id, item.externalId]));
    expect(items.map((line) => ({ item: itemIds.get(line.item.id), quantity: Number(line.quantity) }))).toEqual([{ item: 'ITEM-TRAIL-TEE-M-BLK', quantity: 2 }]);
    expect(released.lines).toEqual([expect.objectContaining({ sku: 'TRAIL-TEE-M-BLK', quantity: 2 })]);

    // The hub's own database: the order came in once, and nothing about it waits for an operator.
    const adapters = await openSqlite({ path: config.storage.kind === 'sqlite' ? config.storage.path : '' });
    try {
      expect(await adapters.bus.find({ type: 'retail.order.placed.v1', subject: orderNumber })).toHaveLength(1);
      expect(await adapters.storage.deadLetters.count({ status: 'open', key: orderNumber })).toBe(0);
    } finally {
      await adapters.close();
    }
  });
});
