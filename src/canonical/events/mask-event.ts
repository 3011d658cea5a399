import type { CloudEvent } from '../cloudevent.ts';
import { maskPersonalData } from '../masking.ts';
import { FULL_MASK } from '../personal-data.ts';
import { eventDefinition, isRetailEventType } from './catalogue.ts';

/**
 * Masks the personal data in any CloudEvent before it is logged or shown to a viewer: the
 * `data` of a catalogue event is masked by its schema's marks; the data of an event the
 * catalogue does not know (or binary `data_base64`) is replaced by `***` whole, because nothing
 * says which of its fields are safe. Envelope attributes are kept. The input is not modified.
 *
 * @example
 * logger.info({ event: maskEventPersonalData(event) }, 'event appended');
 */
export function maskEventPersonalData<T extends CloudEvent>(event: T): T {
  const masked: CloudEvent = { ...event };
  if (masked.data_base64 !== undefined) masked.data_base64 = FULL_MASK;
  if (masked.data === undefined) return masked as T;
  masked.data = isRetailEventType(event.type) ? maskPersonalData(eventDefinition(event.type).schema, event.data) : FULL_MASK;
  return masked as T;
}
