import type { GraphQLObject } from '../graphql/execute.ts';
import { createCustomer, updateCustomer, updateEmailMarketingConsent } from '../store/customers.ts';
import type { CustomerInput } from '../store/customers.ts';
import type { Outcome } from '../store/orders.ts';
import type { Customer } from '../store/types.ts';
import type { SchemaContext } from './context.ts';
import { parseGid } from './ids.ts';
import { customerObject } from './objects-common.ts';

type Args = Record<string, unknown>;

function toInput(raw: Record<string, unknown>): CustomerInput {
  const input: CustomerInput = {};
  for (const key of ['email', 'firstName', 'lastName', 'phone', 'note'] as const) {
    if (key in raw) input[key] = typeof raw[key] === 'string' ? (raw[key] as string) : null;
  }
  if ('tags' in raw) input.tags = Array.isArray(raw.tags) ? raw.tags.map(String) : typeof raw.tags === 'string' ? raw.tags.split(',').map((t) => t.trim()) : null;
  if ('id' in raw) input.id = parseGid(raw.id, 'Customer');
  return input;
}

function payload(typename: string, context: SchemaContext, outcome: Outcome<Customer>): GraphQLObject {
  return {
    __typename: typename,
    customer: outcome.ok ? customerObject(context.store, outcome.value) : null,
    userErrors: outcome.ok ? [] : outcome.userErrors.map((error) => ({ __typename: 'UserError', ...error })),
  };
}

export function customerMutations(context: SchemaContext): Record<string, unknown> {
  return {
    customerCreate: (args: Args) => payload('CustomerCreatePayload', context, createCustomer(context.store, toInput((args.input ?? {}) as Args))),
    customerUpdate: (args: Args) => payload('CustomerUpdatePayload', context, updateCustomer(context.store, toInput((args.input ?? {}) as Args))),
    customerEmailMarketingConsentUpdate: (args: Args) => {
      const input = (args.input ?? {}) as Args;
      const consent = (input.emailMarketingConsent ?? {}) as Args;
      const outcome = updateEmailMarketingConsent(context.store, {
        customerId: parseGid(input.customerId, 'Customer'),
        marketingState: consent.marketingState,
        marketingOptInLevel: consent.marketingOptInLevel,
        consentUpdatedAt: consent.consentUpdatedAt,
      });
      return {
        __typename: 'CustomerEmailMarketingConsentUpdatePayload',
        customer: outcome.ok ? customerObject(context.store, outcome.value) : null,
        userErrors: outcome.ok ? [] : outcome.userErrors.map((error) => ({ __typename: 'CustomerEmailMarketingConsentUpdateUserError', code: null, ...error })),
      };
    },
  };
}
