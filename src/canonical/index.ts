/**
 * `crossdock/canonical`: the retail data model every layer speaks. Schemas (TypeBox, hence
 * JSON Schema) and the types derived from them, lifecycle tables, validation with plain-words
 * errors, personal-data masking, the retail event catalogue and its CloudEvents builder.
 *
 * Deliberately not exported: `defineEntity` and the schema building blocks that only entity
 * modules need, and the test fixtures (import `src/canonical/fixtures.ts` from tests).
 */

// Envelope and identity
export type { CloudEvent, CloudEventAttributeValue } from './cloudevent.ts';
export { CrossdockExtension } from './cloudevent.ts';
export { EntityEnvelopeSchema, SCHEMA_BASE_URI, schemaUri } from './entity.ts';
export type { EntityEnvelope } from './entity.ts';
export { entityNames, entitySchemas, isEntityName } from './entities.ts';
export type { EntityName, EntityOf } from './entities.ts';

// Entities
export {
  AddressUse,
  BillingAccountStatus,
  ConsentChannel,
  ConsentStatus,
  ContactUse,
  CustomerSchema,
  PartyType,
  PhoneType,
} from './customer.ts';
export type { Customer } from './customer.ts';
export { ProductSchema } from './product.ts';
export type { Product } from './product.ts';
export { PriceSchema } from './price.ts';
export type { Price } from './price.ts';
export { LocationSchema, LocationType } from './location.ts';
export type { Location } from './location.ts';
export { inventoryKey, InventoryLevelSchema } from './inventory-level.ts';
export type { InventoryLevel } from './inventory-level.ts';
export {
  FulfilmentMethod,
  OrderLineSchema,
  OrderPaymentStatus,
  OrderSchema,
  OrderStatus,
  SalesChannel,
} from './order.ts';
export type { Order, OrderLine } from './order.ts';
export { ShipmentMilestone, ShipmentSchema } from './shipment.ts';
export type { Shipment } from './shipment.ts';
export { InvoiceSchema, InvoiceStatus } from './invoice.ts';
export type { Invoice } from './invoice.ts';
export { ItemCondition, ReturnMethod, ReturnReason, ReturnSchema, ReturnStatus } from './return.ts';
export type { Return } from './return.ts';
export { CaseOrigin, CasePriority, CaseSchema, CaseStatus } from './case.ts';
export type { Case } from './case.ts';
export { PaymentMethod, PaymentSchema, PaymentStatus, RefundSchema, RefundStatus } from './payment.ts';
export type { Payment, Refund } from './payment.ts';

// Field schemas other layers compose into their own HTTP and config schemas
export {
  Amount,
  CountryCode,
  CurrencyCode,
  EmailAddress,
  HubId,
  LocationCode,
  Money,
  PhoneNumber,
  Sku,
  SystemName,
  Timestamp,
} from './primitives.ts';

// Lifecycles
export { orderLifecycle, orderTransitions, returnLifecycle, returnTransitions, shipmentLifecycle, shipmentTransitions } from './lifecycles.ts';
export { defineLifecycle } from './lifecycle.ts';
export type { Lifecycle, TransitionCheck, TransitionTable } from './lifecycle.ts';

// Validation
export { registerCanonicalFormats } from './formats.ts';
export { IssueCode } from './validation-messages.ts';
export type { ValidationIssue } from './validation-messages.ts';
export { CanonicalValidationError, MAX_REPORTED_ISSUES, validate, validateOrThrow } from './validation.ts';
export type { ValidationResult } from './validation.ts';

// Personal data
export { FULL_MASK, PERSONAL_DATA_KEYWORD, PersonalDataKind } from './personal-data.ts';
export { maskPersonalData, personalDataPaths } from './masking.ts';

// Money
export {
  compareAmounts,
  currencyExponent,
  fromMinorUnits,
  InvalidAmountError,
  multiplyAmount,
  subtractAmounts,
  sumAmounts,
  toMinorUnits,
} from './money.ts';
export { checkOrderTotals } from './order-totals.ts';
export type { TotalsDiscrepancy } from './order-totals.ts';

// Events
export { isRetailEventType, RETAIL_EVENT_TYPE_PATTERN, retailEventCatalogue, retailEventTypes } from './events/catalogue.ts';
export type { RetailEventData, RetailEventDefinition, RetailEventType } from './events/catalogue.ts';
export { createRetailEvent, isValidTraceparent, JSON_CONTENT_TYPE, validateRetailEvent } from './events/create-event.ts';
export { maskEventPersonalData } from './events/mask-event.ts';
export type { CreateRetailEventInput, RetailEvent } from './events/create-event.ts';

// JSON Schema export
export { describeRetailEvents, exportJsonSchemas, JSON_SCHEMA_DIALECT, toJsonSchema } from './json-schema.ts';
export type { JsonSchemaDocument, RetailEventDescription } from './json-schema.ts';
