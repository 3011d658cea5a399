import type { FastifyInstance } from 'fastify';
import { actualQueryCost, requestedQueryCost } from '../graphql/cost.ts';
import { GraphQLRequestError } from '../graphql/errors.ts';
import type { GraphQLErrorJson } from '../graphql/errors.ts';
import { executeOperation, prepareOperation } from '../graphql/execute.ts';
import type { PreparedOperation } from '../graphql/execute.ts';
import { checkInputArraySizes } from '../graphql/input-limits.ts';
import { GraphQLSyntaxError, parseDocument } from '../graphql/parser.ts';
import type { SchemaContext } from '../schema/context.ts';
import { rootFor } from '../schema/roots.ts';
import type { CostBudget } from './cost-budget.ts';
import { INVALID_TOKEN_BODY } from './errors.ts';

export interface GraphQLRouteOptions {
  accessToken: string;
  apiVersions: readonly string[];
  budget: CostBudget;
  context: (apiVersion: string) => SchemaContext;
}

interface GraphQLBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** `POST /admin/api/{version}/graphql.json`, authenticated with X-Shopify-Access-Token. */
export function registerGraphQLRoute(app: FastifyInstance, options: GraphQLRouteOptions): void {
  app.post<{ Params: { version: string } }>('/admin/api/:version/graphql.json', async (request, reply) => {
    const { version } = request.params;
    if (!options.apiVersions.includes(version)) return reply.code(404).send({ errors: 'Not Found' });
    if (request.headers['x-shopify-access-token'] !== options.accessToken) return reply.code(401).send(INVALID_TOKEN_BODY);
    const body: GraphQLBody = typeof request.body === 'string' ? { query: request.body } : ((request.body ?? {}) as GraphQLBody);
    if (typeof body.query !== 'string' || body.query.trim() === '') {
      return reply.code(400).send({ errors: { query: 'Required parameter missing or invalid' } });
    }
    return runGraphQL(body, version, options);
  });
}

function runGraphQL(body: GraphQLBody, version: string, options: GraphQLRouteOptions): Record<string, unknown> {
  let prepared: PreparedOperation;
  try {
    const document = parseDocument(body.query as string);
    const variables = body.variables && typeof body.variables === 'object' ? (body.variables as Record<string, unknown>) : {};
    prepared = prepareOperation(document, typeof body.operationName === 'string' ? body.operationName : undefined, variables);
  } catch (error) {
    if (error instanceof GraphQLSyntaxError) return { errors: [{ message: error.message, locations: [error.location] }] };
    if (error instanceof GraphQLRequestError) return { errors: [error.toJSON()] };
    throw error;
  }
  const { budget } = options;
  let requested = 0;
  try {
    requested = requestedQueryCost(prepared);
    checkInputArraySizes(prepared);
  } catch (error) {
    if (error instanceof GraphQLRequestError) return { errors: [error.toJSON()], extensions: { cost: budget.extension(requested, null) } };
    throw error;
  }
  if (requested > budget.maxSingleQueryCost) {
    return {
      errors: [
        {
          message: `Query cost is ${requested}, which exceeds the single query max cost limit (${budget.maxSingleQueryCost}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
          extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: budget.maxSingleQueryCost },
        },
      ],
      extensions: { cost: budget.extension(requested, null) },
    };
  }
  if (!budget.take(requested)) {
    return {
      errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
      extensions: { cost: budget.extension(requested, null) },
    };
  }
  const context = options.context(version);
  let result: { data: Record<string, unknown> | null; errors: GraphQLErrorJson[] };
  try {
    result = executeOperation(prepared, rootFor(prepared.operation.operation as 'query' | 'mutation', context), context);
  } catch (error) {
    budget.settle(requested, 0);
    if (error instanceof GraphQLRequestError) return { errors: [error.toJSON()], extensions: { cost: budget.extension(requested, 0) } };
    throw error;
  }
  const actual = actualQueryCost(prepared, result.data);
  budget.settle(requested, actual);
  return {
    data: result.data,
    ...(result.errors.length > 0 ? { errors: result.errors } : {}),
    extensions: { cost: budget.extension(requested, actual) },
  };
}
