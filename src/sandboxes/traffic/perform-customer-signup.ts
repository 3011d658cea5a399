import type { CustomerSignupAction } from './actions.ts';
import { ActionOutcome } from './counters.ts';
import type { ActionResult } from './counters.ts';
import { graphqlOutcome, outcomeOf, skipped } from './execution.ts';
import type { ExecutionContext } from './execution.ts';

const CUSTOMER_CREATE = 'mutation Signup($input: CustomerInput!) { customerCreate(input: $input) { customer { id } userErrors { field message } } }';

/**
 * A returning shopper with a new mobile number opens a second storefront account under another
 * e-mail instead of signing in (`account`: Shopify fires `customers/create`, and the hub sees a
 * customer it does not know). Later she calls customer service, who record her new number on
 * her Salesforce account, the owner of customer identity (`mobile-number`): her profile now
 * matches both customers, and the hub merges the new one into the one it has known all along.
 */
export function signUpAgain(context: ExecutionContext, action: CustomerSignupAction): Promise<ActionResult> {
  return action.step === 'account' ? openSecondAccount(context, action) : recordNewNumber(context, action);
}

async function openSecondAccount(context: ExecutionContext, action: CustomerSignupAction): Promise<ActionResult> {
  const customer = context.catalogue.customers.find((candidate) => candidate.customerNumber === action.customerNumber);
  if (!customer) return skipped(`no customer ${action.customerNumber} in the catalogue`);
  const reply = await context.clients.shopifyGraphql(CUSTOMER_CREATE, {
    input: {
      email: taggedEmail(action.email, context.runTag),
      firstName: customer.firstName ?? null,
      lastName: customer.lastName ?? null,
      phone: action.phone,
      tags: ['crossdock-traffic'],
    },
  });
  const { result, data } = graphqlOutcome(reply, 'customerCreate');
  const id = (data?.customer as { id?: unknown } | null | undefined)?.id;
  if (result.outcome === ActionOutcome.ok && typeof id === 'string') context.signups.set(action.signupRef, id);
  return result;
}

async function recordNewNumber(context: ExecutionContext, action: CustomerSignupAction): Promise<ActionResult> {
  // Without the second account there is nothing to find: her call is just a profile edit.
  if (!context.signups.has(action.signupRef)) return skipped(`the account of ${action.signupRef} was not opened`);
  const id = (await context.lookups.salesforceIds()).accountIdByCustomerNumber.get(action.customerNumber);
  if (!id) return skipped(`no Salesforce account ${action.customerNumber}`);
  return outcomeOf('salesforce', await context.clients.salesforce('PATCH', `/sobjects/Account/${id}`, { PersonMobilePhone: action.phone }));
}

/** `jane.doe.1@mail.example` with run tag `-s42` → `jane.doe.1-s42@mail.example`, so reruns on one sandbox don't collide. */
function taggedEmail(email: string, runTag: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? `${email}${runTag}` : `${email.slice(0, at)}${runTag}${email.slice(at)}`;
}
