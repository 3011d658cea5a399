import type { SourceLocation } from './ast.ts';

/** One entry of a GraphQL response's `errors` array, in the shape Shopify returns. */
export interface GraphQLErrorJson {
  message: string;
  locations?: SourceLocation[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

/** Stops the whole request (no `data`): invalid variables, oversized inputs, cost limits. */
export class GraphQLRequestError extends Error {
  readonly extensions: Record<string, unknown>;
  readonly locations?: SourceLocation[];
  readonly path?: (string | number)[];
  constructor(message: string, extensions: Record<string, unknown>, where: { locations?: SourceLocation[]; path?: (string | number)[] } = {}) {
    super(message);
    this.name = 'GraphQLRequestError';
    this.extensions = extensions;
    if (where.locations) this.locations = where.locations;
    if (where.path) this.path = where.path;
  }

  toJSON(): GraphQLErrorJson {
    return {
      message: this.message,
      ...(this.locations ? { locations: this.locations } : {}),
      ...(this.path ? { path: this.path } : {}),
      extensions: this.extensions,
    };
  }
}

/** Thrown by a resolver: that field becomes null and the error is listed with its path. */
export class GraphQLFieldError extends Error {
  readonly extensions?: Record<string, unknown>;
  constructor(message: string, extensions?: Record<string, unknown>) {
    super(message);
    this.name = 'GraphQLFieldError';
    if (extensions) this.extensions = extensions;
  }
}
