/**
 * The CloudEvents 1.0 envelope every Crossdock event travels in.
 * Spec: https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 *
 * Context attributes are top-level properties; extension attributes (such as
 * `correlationid` and `traceparent`) are top-level too, as the JSON format requires.
 */
export type CloudEventAttributeValue = string | number | boolean;

export interface CloudEvent<TData = unknown> {
  specversion: '1.0';
  /** Unique per `source`; (source, id) identifies the event for deduplication. */
  id: string;
  /** URI-reference of the producer, e.g. `crossdock://shopify/acme-store`. */
  source: string;
  /** Reverse-DNS, past tense, versioned: `retail.order.booked.v1`. */
  type: string;
  /** The business key: order number, `sku@location`, customer id. */
  subject?: string;
  /** RFC 3339 timestamp of the occurrence. */
  time?: string;
  datacontenttype?: string;
  dataschema?: string;
  data?: TData;
  /** Binary payload, base64 encoded (mutually exclusive with `data`). */
  data_base64?: string;
  /** Correlation id carried from the first webhook to the last write. */
  correlationid?: string;
  /** W3C trace context, https://www.w3.org/TR/trace-context/#traceparent-header */
  traceparent?: string;
  [extension: string]: unknown;
}

/** The names of the extension attributes Crossdock itself sets. */
export const CrossdockExtension = {
  correlationId: 'correlationid',
  traceparent: 'traceparent',
} as const;
