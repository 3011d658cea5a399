import type { GraphQLObject } from '../graphql/execute.ts';
import type { SchemaContext } from './context.ts';
import { customerMutations } from './mutations-customers.ts';
import { inventoryMutations } from './mutations-inventory.ts';
import { orderMutations } from './mutations-orders.ts';
import { productMutations } from './mutations-products.ts';
import { webhookMutations } from './mutations-webhooks.ts';
import { queryRoot } from './query-root.ts';
import { returnMutations } from './mutations-returns.ts';

/** The root objects for one request at one API version. */
export function rootFor(operation: 'query' | 'mutation', context: SchemaContext): GraphQLObject {
  if (operation === 'query') return queryRoot(context.store, context.apiVersion);
  return {
    __typename: 'Mutation',
    ...inventoryMutations(context),
    ...orderMutations(context),
    ...customerMutations(context),
    ...productMutations(context),
    ...webhookMutations(context),
    ...returnMutations(context),
  };
}
