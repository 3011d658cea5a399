import type { CloudEvent } from '../canonical/cloudevent.ts';
import { maskEventPersonalData } from '../canonical/events/mask-event.ts';
import { createMasker } from '../observability/logger.ts';

/**
 * What a viewer receives. Console payloads have every shape (canonical entities, connector
 * payloads, business context, error details), so the masking is key-based: the observability
 * masker (`createMasker`), whose key list is the canonical model's `x-pii` marks plus the usual
 * field names of the connected systems, and which also masks e-mail addresses and phone numbers
 * inside text.
 * Events of the retail catalogue are first masked by their schema (`maskEventPersonalData`),
 * which also blanks fields the schema does not declare.
 */
export interface ViewerMasking {
  /** Masks any JSON value for a viewer. */
  value(value: unknown): unknown;
  /** Masks a logged event's data by its catalogue schema (then by keys). */
  event(event: CloudEvent): CloudEvent;
}

export function createViewerMasking(): ViewerMasking {
  const mask = createMasker();
  return {
    value: (value) => mask(value),
    event: (event) => mask(maskEventPersonalData(event)) as CloudEvent,
  };
}
