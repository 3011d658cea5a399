import type { GraphQLObject } from '../graphql/execute.ts';
import { setProduct, updateVariants, type ProductSetInput } from '../store/products.ts';
import type { Product } from '../store/types.ts';
import type { SchemaContext } from './context.ts';
import { connection } from './connection.ts';
import { gid, parseGid } from './ids.ts';
import { variantObject } from './objects-inventory.ts';

type Args = Record<string, unknown>;

function productObject(context: SchemaContext, product: Product): GraphQLObject {
  return {
    __typename: 'Product',
    __implements: ['Node'],
    id: gid('Product', product.id),
    legacyResourceId: String(product.id),
    handle: product.handle,
    title: product.title,
    status: product.status,
    vendor: product.vendor,
    productType: product.productType,
    descriptionHtml: product.descriptionHtml,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
    variants: (args: Args) =>
      connection(
        'ProductVariant',
        [...context.store.variants.values()].filter((variant) => variant.productId === product.id),
        args,
        (variant) => variantObject(context.store, variant),
      ),
  };
}

/**
 * `productSet(input, identifier, synchronous)`: synchronous runs only (the sandbox has no async
 * operations). `productVariantsBulkUpdate(productId, variants, allowPartialUpdates)`: prices of
 * variants of one product (store/products.ts). Each costs 10 points, as every mutation field.
 */
export function productMutations(context: SchemaContext): Record<string, unknown> {
  return {
    productSet: (args: Args) => {
      const identifier = (args.identifier ?? {}) as Args;
      const outcome = setProduct(context.store, {
        identifier: {
          ...(identifier.id !== undefined && { id: parseGid(identifier.id, 'Product') ?? -1 }),
          ...(typeof identifier.handle === 'string' && { handle: identifier.handle }),
        },
        input: (args.input ?? {}) as ProductSetInput,
      });
      return {
        __typename: 'ProductSetPayload',
        product: outcome.ok ? productObject(context, outcome.value.product) : null,
        productSetOperation: null,
        userErrors: outcome.ok ? [] : outcome.userErrors.map((error) => ({ __typename: 'ProductSetUserError', code: null, ...error })),
      };
    },
    productVariantsBulkUpdate: (args: Args) => {
      const variants = (Array.isArray(args.variants) ? args.variants : []) as Args[];
      const outcome = updateVariants(context.store, {
        productId: parseGid(args.productId, 'Product'),
        allowPartialUpdates: args.allowPartialUpdates === true,
        variants: variants.map((input) => ({ id: input.id === undefined || input.id === null ? undefined : parseGid(input.id, 'ProductVariant'), input })),
      });
      const nothingUpdated = outcome.updated.length === 0 && outcome.userErrors.length > 0;
      return {
        __typename: 'ProductVariantsBulkUpdatePayload',
        product: outcome.product ? productObject(context, outcome.product) : null,
        productVariants: nothingUpdated ? null : outcome.updated.map((variant) => variantObject(context.store, variant)),
        userErrors: outcome.userErrors.map((error) => ({ __typename: 'ProductVariantsBulkUpdateUserError', code: null, ...error })),
      };
    },
  };
}
