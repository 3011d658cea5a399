/**
 * Small HTTP helpers shared by the REST connectors.
 */

/**
 * A `Retry-After` header in milliseconds: delay-seconds (possibly fractional, as Shopify sends
 * "2.0") or an HTTP date (RFC 9110 §10.2.3). Undefined when absent or unreadable.
 */
export function retryAfterMs(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.max(1, Math.ceil(Number(value) * 1000));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(1, at - now);
}

/**
 * A response body as JSON; a body that is not JSON (a proxy's HTML error page) becomes an error
 * object carrying its first 200 characters, so the failure still says what came back.
 */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { error: { message: text.slice(0, 200) } };
  }
}
