import { PermanentError } from '../../runtime/errors.ts';
import { SHOPIFY_SYSTEM } from './client.ts';

/** A mutation's `userErrors` entry (`UserError` or a typed subclass carrying a `code`). */
export interface ShopifyUserError {
  field?: readonly string[] | null;
  message: string;
  code?: string | null;
}

/**
 * A refused record: Shopify's own code when the error type has one (`CHANGE_FROM_QUANTITY_STALE`,
 * `INVALID_REASON`); plain `UserError`s have none and become `USER_ERROR`. The field path is
 * Shopify's, dotted (`input.quantities.3.changeFromQuantity`).
 */
export function userErrorFailure(error: ShopifyUserError, options: { operation: string; businessKey: string }): PermanentError {
  const field = error.field && error.field.length > 0 ? error.field.join('.') : undefined;
  const code = error.code ?? 'USER_ERROR';
  return new PermanentError(`Shopify refused ${options.operation} for ${options.businessKey}: ${error.message}${field ? ` (field ${field})` : ''}`, {
    system: SHOPIFY_SYSTEM,
    code,
    ...(field !== undefined && { field }),
  });
}

/** A permanent failure found by the connector itself before calling Shopify (unknown SKU, bad payload). */
export function refusedLocally(options: { code: string; message: string; field?: string }): PermanentError {
  return new PermanentError(options.message, { system: SHOPIFY_SYSTEM, code: options.code, ...(options.field !== undefined && { field: options.field }) });
}
