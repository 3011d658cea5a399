import { describe, expect, it } from 'vitest';
import { prepareOperation } from './execute.ts';
import { checkInputArraySizes } from './input-limits.ts';
import { parseDocument } from './parser.ts';

const mutation = 'mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }';
const quantities = (n: number) => Array.from({ length: n }, (_, i) => ({ inventoryItemId: `gid://shopify/InventoryItem/${i}`, quantity: 1 }));

describe('checkInputArraySizes', () => {
  it('accepts 250 items', () => {
    const prepared = prepareOperation(parseDocument(mutation), undefined, { input: { quantities: quantities(250) } });
    expect(() => checkInputArraySizes(prepared)).not.toThrow();
  });

  it('rejects 251 items naming the argument path', () => {
    const prepared = prepareOperation(parseDocument(mutation), undefined, { input: { quantities: quantities(251) } });
    try {
      checkInputArraySizes(prepared);
      expect.unreachable();
    } catch (error) {
      expect((error as { toJSON(): unknown }).toJSON()).toMatchObject({
        message: 'The input array size of 251 is greater than the maximum allowed of 250.',
        path: ['inventorySetQuantities', 'input', 'quantities'],
        extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' },
      });
    }
  });

  it('checks literal arrays in nested fields too', () => {
    const ids = Array.from({ length: 300 }, (_, i) => `"gid://shopify/Order/${i}"`).join(' ');
    const prepared = prepareOperation(parseDocument(`{ shop { nodes(ids: [${ids}]) { id } } }`), undefined, {});
    expect(() => checkInputArraySizes(prepared)).toThrow('The input array size of 300');
  });
});
