/**
 * `npm run bench` runs every benchmark group; `npm run bench -- --only core` runs one;
 * `--quick` uses smaller sizes (a smoke run, not the published figures).
 * Each figure is printed as one JSON line: {"name","value","unit",...}.
 */
import { parseArgs } from 'node:util';
import { netsuiteBench } from './connectors/netsuite.ts';
import { salesforceBench } from './connectors/salesforce.ts';
import { shopifyBench } from './connectors/shopify.ts';
import { consoleBench } from './console/index.ts';
import { coreBench } from './core/index.ts';
import { inventoryBench } from './flows/inventory.ts';
import { ordersBench } from './flows/orders.ts';

const groups: Record<string, (options: { quick: boolean }) => Promise<void>> = {
  core: coreBench,
  netsuite: netsuiteBench,
  salesforce: salesforceBench,
  shopify: shopifyBench,
  inventory: inventoryBench,
  orders: ordersBench,
  console: consoleBench,
};

const { values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const selected = values.only ? values.only.split(',') : Object.keys(groups);
for (const name of selected) {
  const group = groups[name];
  if (!group) {
    process.stderr.write(`unknown benchmark group "${name}" (known: ${Object.keys(groups).join(', ')})\n`);
    process.exit(2);
  }
  await group({ quick: values.quick });
}
