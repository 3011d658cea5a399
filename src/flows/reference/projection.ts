import type { Price } from '../../canonical/price.ts';
import type { Product } from '../../canonical/product.ts';
import { defineFlow } from '../../runtime/flows/definition.ts';
import type { RetailFlowDependencies, RetailFlowModule } from '../module.ts';
import { roleOfSystem } from '../module.ts';
import { RecordEntity, recordVersion } from './records.ts';

export const PRODUCT_UPDATED = 'retail.product.updated.v1';
export const PRICE_CHANGED = 'retail.price.changed.v1';

/**
 * Keeps the catalogue read models (products and selling prices by sku) that order capture and
 * returns validate against. Only the owner's changes count (product and price → erp by
 * default): a price edited in the storefront does not become the price orders are checked at.
 */
export function createReferenceData(deps: RetailFlowDependencies): RetailFlowModule {
  const fromOwner = (entity: string, sourceSystem: string) => {
    const role = roleOfSystem(deps.systems, sourceSystem);
    return role === undefined ? deps.ownership.ownerOf(entity) === undefined : deps.ownership.owns(role, entity);
  };
  const flow = defineFlow({
    name: 'reference-data',
    durable: false,
    startsOn: [PRODUCT_UPDATED, PRICE_CHANGED],
    async run(_ctx, event) {
      if (event.type === PRODUCT_UPDATED) {
        const product = event.data as Product;
        if (!fromOwner('product', product.sourceSystem)) return;
        await deps.records.put({ entity: RecordEntity.product, key: product.sku, data: product, version: recordVersion(product) }, deps.clock());
      } else {
        const price = event.data as Price;
        if (!fromOwner('price', price.sourceSystem)) return;
        await deps.records.put({ entity: RecordEntity.price, key: price.sku, data: price, version: recordVersion(price) }, deps.clock());
      }
    },
  });
  return { name: 'reference-data', flows: [flow] };
}
