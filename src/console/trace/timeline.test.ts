import { describe, expect, it } from 'vitest';
import { sourceName, traceIdOf } from './timeline.ts';

describe('sourceName', () => {
  it('names the system of an event source', () => {
    expect(sourceName('crossdock://netsuite')).toBe('NetSuite');
    expect(sourceName('crossdock://connectors/shopify')).toBe('Shopify');
    expect(sourceName('crossdock://flows/order-capture')).toBe('order-capture');
    expect(sourceName('https://pos.store-042.example.com/events')).toBe('pos.store-042.example.com');
    expect(sourceName('/pos/store-042')).toBe('/pos/store-042');
  });
});

describe('traceIdOf', () => {
  it('reads the W3C trace id of a traceparent, and nothing else', () => {
    expect(traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdOf('00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdOf('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeNull();
    expect(traceIdOf('4bf92f3577b34da6a3ce929d0e0e4736')).toBeNull();
    expect(traceIdOf(null)).toBeNull();
    expect(traceIdOf(undefined)).toBeNull();
  });
});
