import type { DeliveryItem } from '../../../ports/storage.ts';
import type { ItemOutcome } from '../../../runtime/delivery/target.ts';
import type { Mapping } from '../../mapping/mapping.ts';
import type { ShopifyGraphQLClient } from '../client.ts';
import { refusedLocally, userErrorFailure, type ShopifyUserError } from '../failures.ts';
import { QUERY_COST, SINGLE_NODE_LOOKUP_COST } from '../limits.ts';
import type { CallOptions } from '../references.ts';

/** The points one product costs: its SKU lookup (a connection of one node and its product) and its mutation. */
export const PRODUCT_COST = SINGLE_NODE_LOOKUP_COST + QUERY_COST.object + QUERY_COST.mutation;

interface Lookup {
  nodes: { id: string; sku: string | null; product: { id: string } }[];
}

interface SetResult {
  product: { id: string } | null;
  userErrors: ShopifyUserError[];
}

/** `sku-42` → a handle; the SKU keeps the product findable, the handle only names a new one. */
export function handleOfSku(sku: string): string {
  return sku.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'product';
}

/**
 * Upserts canonical Products, one product with one variant per SKU, in two requests per batch:
 * one query finds the products that already carry each SKU (aliased `productVariants` lookups),
 * one mutation writes them all (aliased `productSet`, by id when found, created otherwise). The
 * SKU lookup is what makes a redelivery update the product instead of creating a twin.
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/productSet
 */
export async function upsertProducts(options: { batch: readonly DeliveryItem[]; client: ShopifyGraphQLClient; mapping: Mapping; call: CallOptions }): Promise<ItemOutcome[]> {
  const { batch, client, mapping, call } = options;
  const outcomes: (ItemOutcome | undefined)[] = new Array(batch.length).fill(undefined);
  const writes: { index: number; sku: string; input: Record<string, unknown> }[] = [];
  for (const [index, item] of batch.entries()) {
    const sku = (item.payload as { sku?: unknown } | null)?.sku;
    if (typeof sku !== 'string' || sku === '') {
      outcomes[index] = { ok: false, error: refusedLocally({ code: 'INVALID_PAYLOAD', message: `upsertProduct ${item.key}: the product has no sku`, field: 'sku' }) };
      continue;
    }
    try {
      writes.push({ index, sku, input: await mapping.apply(item.payload) });
    } catch (error) {
      outcomes[index] = { ok: false, error };
    }
  }
  if (writes.length > 0) {
    const found = await findBySku(client, writes.map((write) => write.sku), call);
    const variables: Record<string, unknown> = {};
    const declarations: string[] = [];
    const fields: string[] = [];
    writes.forEach((write, position) => {
      const productId = found.get(write.sku);
      variables[`input${position}`] = productId ? write.input : { ...write.input, handle: handleOfSku(write.sku) };
      declarations.push(`$input${position}: ProductSetInput!`);
      if (productId) {
        variables[`identifier${position}`] = { id: productId };
        declarations.push(`$identifier${position}: ProductSetIdentifiers`);
      }
      const identifier = productId ? `, identifier: $identifier${position}` : '';
      fields.push(`p${position}: productSet(input: $input${position}${identifier}, synchronous: true) { product { id } userErrors { field message code } }`);
    });
    const data = await client.request<Record<string, SetResult>>(`mutation SetProducts(${declarations.join(', ')}) { ${fields.join(' ')} }`, { ...call, variables });
    writes.forEach((write, position) => {
      const result = data[`p${position}`];
      const [userError] = result?.userErrors ?? [];
      outcomes[write.index] =
        !userError && result?.product
          ? { ok: true, externalId: result.product.id }
          : { ok: false, error: userErrorFailure(userError ?? { message: 'no product returned' }, { operation: 'productSet', businessKey: batch[write.index]!.key }) };
    });
  }
  return outcomes.map((outcome) => outcome ?? { ok: false, error: refusedLocally({ code: 'NO_RESULT', message: 'no result for the product' }) });
}

/** Product gid per SKU, for the SKUs that exist (one aliased lookup each, in one query). */
async function findBySku(client: ShopifyGraphQLClient, skus: string[], call: CallOptions): Promise<Map<string, string>> {
  const variables: Record<string, string> = {};
  const lookups = skus.map((sku, position) => {
    variables[`q${position}`] = `sku:"${sku.replace(/["\\]/g, '\\$&')}"`;
    return `s${position}: productVariants(first: 1, query: $q${position}) { nodes { id sku product { id } } }`;
  });
  const declarations = skus.map((_, position) => `$q${position}: String!`).join(', ');
  const data = await client.request<Record<string, Lookup>>(`query ProductsBySku(${declarations}) { ${lookups.join(' ')} }`, { ...call, variables });
  const found = new Map<string, string>();
  skus.forEach((sku, position) => {
    const node = data[`s${position}`]?.nodes.find((candidate) => candidate.sku === sku);
    if (node) found.set(sku, node.product.id);
  });
  return found;
}
