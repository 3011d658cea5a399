import type { TSchema } from '@sinclair/typebox';
import { entitySchemas } from './entities.ts';
import { eventDefinition, retailEventTypes } from './events/catalogue.ts';

/** JSON Schema dialect of the exported documents: TypeBox emits 2020-12 compatible keywords. */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

export type JsonSchemaDocument = Record<string, unknown>;

/**
 * Any TypeBox schema as a plain JSON Schema object: TypeBox's symbol keys (Kind, Optional)
 * are dropped, everything else is kept. For route or message schemas built on canonical parts.
 *
 * @example
 * toJsonSchema(Money) // { type: 'object', properties: { amount: {...}, currency: {...} }, ... }
 */
export function toJsonSchema(schema: TSchema): JsonSchemaDocument {
  return JSON.parse(JSON.stringify(schema)) as JsonSchemaDocument;
}

/**
 * Every canonical entity schema as a plain JSON Schema document, keyed by its `$id`
 * (`https://schemas.crossdock.dev/retail/order/v1.json`), with `$schema` set. Personal data
 * keeps its `x-pii` mark, and `x-expected` its plain-words rule, as extension keywords. This
 * is the input for OpenAPI and AsyncAPI generation and for publishing the schemas.
 *
 * @example
 * const order = exportJsonSchemas()['https://schemas.crossdock.dev/retail/order/v1.json'];
 * order.title // 'Order'
 */
export function exportJsonSchemas(): Record<string, JsonSchemaDocument> {
  const documents: Record<string, JsonSchemaDocument> = {};
  for (const schema of Object.values(entitySchemas)) {
    documents[schema.$id as string] = { $schema: JSON_SCHEMA_DIALECT, ...toJsonSchema(schema) };
  }
  return documents;
}

export interface RetailEventDescription {
  type: string;
  entity: string;
  description: string;
  /** The field(s) the CloudEvents `subject` is made of. */
  subject: string;
  dataschema: string;
}

/**
 * The event catalogue as plain data, one entry per event type, for AsyncAPI generation and
 * the console's event browser.
 *
 * @example
 * describeRetailEvents().find((e) => e.type === 'retail.order.booked.v1')?.subject // 'orderNumber'
 */
export function describeRetailEvents(): RetailEventDescription[] {
  return retailEventTypes.map((type) => {
    const definition = eventDefinition(type);
    return {
      type,
      entity: definition.entity,
      description: definition.description,
      subject: definition.subjectKey,
      dataschema: definition.schema.$id as string,
    };
  });
}
