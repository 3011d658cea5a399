import { Type } from '@sinclair/typebox';
import type { Static, TObject, TProperties } from '@sinclair/typebox';
import { ExternalIds, HubId, SystemName, Timestamp } from './primitives.ts';

/**
 * Schema ids, and the `dataschema` of every event, follow one scheme:
 *   https://schemas.crossdock.dev/retail/<entity>/v<major>.json
 * The major version changes when a field is removed, renamed or changes meaning; adding an
 * optional field keeps it (all workers of one deployment run the same schemas). The URL is a
 * stable name first; `exportJsonSchemas()` produces the documents to publish there.
 */
export const SCHEMA_BASE_URI = 'https://schemas.crossdock.dev/retail';

/**
 * The `$id` of an entity schema and the `dataschema` of its events, by entity and major
 * version. Use it to point at a schema without importing it.
 *
 * @example
 * schemaUri('order', 1) // 'https://schemas.crossdock.dev/retail/order/v1.json'
 */
export function schemaUri(entity: string, majorVersion: number): string {
  return `${SCHEMA_BASE_URI}/${entity}/v${majorVersion}.json`;
}

/** The fields every canonical entity carries, whatever its kind. */
export const envelopeProperties = {
  hubId: HubId,
  externalIds: ExternalIds,
  sourceSystem: { ...SystemName, description: 'The system the latest change came from.' },
  sourceTimestamp: {
    ...Timestamp,
    description: 'When the change happened in the source system (not when Crossdock saw it); RFC 3339.',
  },
  version: Type.Integer({
    minimum: 1,
    description:
      'Hub revision of this record: starts at 1 and increases by one with every accepted change, ' +
      'so a consumer can drop a change older than what it already holds.',
  }),
};

/** The envelope alone, for code that handles any entity (cross-references, version checks). */
export const EntityEnvelopeSchema = Type.Object({
  ...envelopeProperties,
  schemaVersion: Type.Integer({ minimum: 1, description: 'Major version of the entity schema.' }),
});
export type EntityEnvelope = Static<typeof EntityEnvelopeSchema>;

/** Marks which entity a schema describes; `validate('order', ...)` and the export use it. */
export const ENTITY_KEYWORD = 'x-entity';

/**
 * Defines a canonical entity schema: the common envelope fields plus the entity's own, a
 * closed object (unknown fields are rejected: an undeclared field cannot be marked as personal
 * data and would escape masking), with `$id` from `schemaUri`.
 */
export function defineEntity<const N extends string, const V extends number, P extends TProperties>(definition: {
  name: N;
  version: V;
  title: string;
  description: string;
  properties: P;
}) {
  const properties = {
    ...envelopeProperties,
    schemaVersion: Type.Literal(definition.version, { description: 'Major version of this schema.' }),
    ...definition.properties,
  };
  return Type.Object(properties, {
    $id: schemaUri(definition.name, definition.version),
    title: definition.title,
    description: definition.description,
    additionalProperties: false,
    [ENTITY_KEYWORD]: definition.name,
  }) as TObject<typeof properties>;
}
