import { describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../canonical/cloudevent.ts';
import { assignTraceContext, newTraceparent, parseTraceparent } from './trace-context.ts';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function sale(id: string, extra: Partial<CloudEvent> = {}): CloudEvent {
  return { specversion: '1.0', id, source: '/pos/store-0042', type: 'retail.order.captured.v1', ...extra };
}

describe('parseTraceparent (W3C Trace Context)', () => {
  it('reads a version-00 value', () => {
    expect(parseTraceparent(VALID)).toEqual({
      version: '00',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentId: '00f067aa0ba902b7',
      flags: '01',
    });
  });

  it('reads the first four fields of a later version, which may append fields after a dash', () => {
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra')?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')?.version).toBe('01');
  });

  it.each([
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['upper-case hex', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
    ['version 00 with trailing data', `${VALID}-extra`],
    ['later version without a dash after the flags', '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x'],
    ['short trace id', '00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01'],
    ['garbage', 'not-a-trace'],
  ])('refuses %s', (_what, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it('makes new root traces that parse and are sampled', () => {
    const trace = parseTraceparent(newTraceparent());
    expect(trace?.version).toBe('00');
    expect(trace?.flags).toBe('01');
    expect(newTraceparent()).not.toBe(newTraceparent());
  });
});

describe('assignTraceContext', () => {
  let counter = 0;
  const ids = { newCorrelationId: () => `corr-${++counter}`, newTraceparent: () => '00-11111111111111111111111111111111-2222222222222222-01' };

  it('gives each event its own correlation id and the request trace from a valid header', () => {
    counter = 0;
    const events = assignTraceContext([sale('a'), sale('b')], { ...ids, traceparentHeader: VALID });
    expect(events.map((event) => event.correlationid)).toEqual(['corr-1', 'corr-2']);
    expect(events.map((event) => event.traceparent)).toEqual([VALID, VALID]);
  });

  it('keeps values the event brought', () => {
    const own = '00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-00';
    const [event] = assignTraceContext([sale('a', { correlationid: 'pos-7', traceparent: own })], { ...ids, traceparentHeader: VALID });
    expect(event?.correlationid).toBe('pos-7');
    expect(event?.traceparent).toBe(own);
  });

  it('starts one new trace for the request when the header is missing or malformed', () => {
    for (const traceparentHeader of [undefined, 'garbage', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01']) {
      const events = assignTraceContext([sale('a'), sale('b')], { ...ids, traceparentHeader });
      expect(events.map((event) => event.traceparent)).toEqual([ids.newTraceparent(), ids.newTraceparent()]);
    }
  });

  it('propagates a later-version header in version-00 form', () => {
    const [event] = assignTraceContext([sale('a')], { ...ids, traceparentHeader: '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future' });
    expect(event?.traceparent).toBe(VALID);
  });

  it('does not change the events it was given', () => {
    const original = sale('a');
    assignTraceContext([original], ids);
    expect(original.correlationid).toBeUndefined();
  });
});
