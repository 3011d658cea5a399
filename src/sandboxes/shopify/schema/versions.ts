/**
 * API versions the sandbox answers (https://shopify.dev/docs/api/usage/versioning): stable
 * quarterly releases stay supported for at least 12 months; `unstable` is always newest.
 */
export const SUPPORTED_API_VERSIONS = ['2025-01', '2025-04', '2025-07', '2025-10', '2026-01', '2026-04', '2026-07', '2026-10', '2027-01', 'unstable'] as const;

export const DEFAULT_API_VERSION = '2026-10';

/**
 * From 2026-04 the inventory mutations take `changeFromQuantity` (required, `null` opts out)
 * instead of `compareQuantity`/`ignoreCompareQuantity`, and refundCreate and the inventory
 * mutations require `@idempotent(key:)`
 * (https://shopify.dev/changelog/making-idempotency-mandatory-for-inventory-adjustments-and-refund-mutations,
 * https://shopify.dev/changelog/concurrency-protection-features).
 */
export const CHANGE_FROM_QUANTITY_REQUIRED_SINCE = '2026-04';
export const IDEMPOTENCY_REQUIRED_SINCE = '2026-04';

/**
 * 2026-01 introduced both as options: `changeFromQuantity` beside the deprecated
 * `compareQuantity`, and the `@idempotent` directive, which older versions do not define
 * (https://shopify.dev/changelog/adding-idempotency-for-inventory-adjustments-and-refund-mutations).
 */
export const CHANGE_FROM_QUANTITY_SINCE = '2026-01';
export const IDEMPOTENCY_SINCE = '2026-01';

export function isVersionAtLeast(version: string, minimum: string): boolean {
  return version === 'unstable' || version >= minimum;
}
