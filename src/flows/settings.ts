import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const NonNegativeInteger = (description: string, fallback: number) => Type.Integer({ minimum: 0, default: fallback, description });
const Percent = (description: string, fallback: number) => Type.Number({ minimum: 0, maximum: 100, default: fallback, description });

/**
 * What a retailer tunes in the retail flows without touching code: the `flows:` block of the
 * configuration. Every field has a default, so an empty block runs the flows as documented in
 * docs/flows.md.
 */
export const FlowSettingsSchema = Type.Object(
  {
    inventory: Type.Object(
      {
        safetyStock: Type.Object(
          {
            default: NonNegativeInteger('Units held back from every channel unless the channel says otherwise.', 0),
            byChannel: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), {
              default: { commerce: 2 },
              description: 'Units held back per channel role, e.g. `{ commerce: 2, crm: 0 }`.',
            }),
          },
          { additionalProperties: false, default: {} },
        ),
        channels: Type.Array(Type.String(), { default: ['commerce', 'crm'], description: 'Roles that receive availability.' }),
        delayedAfterSeconds: Type.Integer({ minimum: 1, default: 300, description: 'An inventory update older than this is shown as delayed.' }),
        ownerByLocation: Type.Record(Type.String(), Type.String(), {
          default: {},
          description: 'Per-location override of the `inventory` ownership rule, e.g. `{ DC-EAST: wms }`: levels from any other role are ignored there.',
        }),
        publishWindowMs: Type.Integer({
          minimum: 0,
          default: 1_000,
          description: 'Levels are held this long before they are sent, so updates of one sku@location coalesce and full batches go out (0: send at once).',
        }),
        operationByChannel: Type.Record(Type.String(), Type.String(), {
          default: { commerce: 'setInventoryLevel', crm: 'upsertInventoryLevel' },
          description: 'The delivery operation that sets availability in each channel role.',
        }),
        freshnessWarningMinutes: Type.Number({ exclusiveMinimum: 0, default: 60, description: 'The freshness panel warns when the newest level is older than this.' }),
      },
      { additionalProperties: false, default: {} },
    ),
    orders: Type.Object(
      {
        bookingSlaMinutes: Type.Number({ exclusiveMinimum: 0, default: 15, description: 'An order not booked in the ERP within this time raises "awaiting ERP booking".' }),
        priceTolerancePercent: Percent('How far a sold unit price may be below the ERP price before the order is held.', 1),
        checkCredit: Type.Boolean({ default: true, description: 'Hold business orders over the customer\'s available credit.' }),
        checkStock: Type.Boolean({ default: true, description: 'Hold orders the fulfilment location cannot cover.' }),
        defaultFulfilmentLocation: Type.String({ default: 'DC-EAST', description: 'Where shipped orders are fulfilled when the order does not say.' }),
        wmsLocations: Type.Array(Type.String({ minLength: 1 }), {
          default: ['DC-EAST'],
          description: 'Locations whose orders are released to the WMS once booked; orders fulfilled elsewhere (store pickups, ship-from-store) are left to the store.',
        }),
        guestCustomerId: Type.String({
          minLength: 1,
          default: 'GUEST',
          description: 'Hub id of the customer an order naming nobody (walk-in sale, guest checkout without e-mail or phone) is booked on; created in the ERP on first use.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    shipments: Type.Object(
      {
        storefrontChannels: Type.Array(Type.String(), {
          default: ['web'],
          description: 'Order channels whose shipments are also fulfilled in the storefront (commerce), with carrier and tracking.',
        }),
        notifyCustomer: Type.Boolean({ default: true, description: 'Ask the storefront to send its shipping confirmation when it records a fulfilment.' }),
        notVisibleAfterMinutes: Type.Number({
          exclusiveMinimum: 0,
          default: 10,
          description: 'A shipped parcel not yet written to Salesforce or the storefront after this long is shown on the Health page.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    returns: Type.Object(
      {
        windowDays: Type.Object(
          {
            default: NonNegativeInteger('Days after delivery a return is accepted.', 30),
            byCategory: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { default: {}, description: 'Per product category (family), e.g. `{ Footwear: 60 }`.' }),
          },
          { additionalProperties: false, default: {} },
        ),
        allowedConditions: Type.Array(Type.String(), {
          default: ['sellable', 'opened', 'damaged', 'defective'],
          description: 'Item conditions accepted back (canonical ItemCondition: sellable, opened, damaged, defective, missing-parts), checked when stated on the request and when the warehouse receives the item.',
        }),
        rmaExpiryDays: Type.Number({ exclusiveMinimum: 0, default: 14, description: 'An authorized return with no receipt within this many days expires.' }),
        onRefundFailure: Type.Union([Type.Literal('retry'), Type.Literal('compensate')], {
          default: 'retry',
          description:
            '`retry`: keep the credit memo, raise REFUND_FAILED and wait for an operator to retry (exactly once), fix, override or discard; ' +
            '`compensate`: do not retry: keep the memo as credit on the customer account and raise CREDIT_MEMO_REVERSAL_REQUIRED for finance (the ERP connector has no operation that reverses a memo).',
        }),
        returnLocationCode: Type.String({ minLength: 1, default: 'DC-EAST', description: 'Where returns by mail are sent and received (the warehouse the WMS runs).' }),
        caseSubjectPattern: Type.String({
          minLength: 1,
          default: '\\breturn\\b.*?\\border\\s+#?(?<orderNumber>[A-Za-z0-9][A-Za-z0-9#._/-]*)',
          description: 'Regular expression (case-insensitive) a service case subject must match to be a return request; its `orderNumber` group names the order.',
        }),
        awaitingAlertMinutes: Type.Number({ exclusiveMinimum: 0, default: 30, description: 'The health panel lists returns waiting longer than this for their credit memo or refund.' }),
        nearExpiryDays: Type.Number({ minimum: 0, default: 2, description: 'The health panel lists authorized returns whose RMA expires within this many days.' }),
        outcomeCheckMaxSeconds: Type.Number({
          exclusiveMinimum: 0,
          default: 60,
          description: 'Longest pause between two looks at a pending ERP, WMS or payment command (the pause starts at 0.1 s and doubles).',
        }),
        orderLookPausesSeconds: Type.Array(Type.Number({ minimum: 0 }), {
          default: [2, 10, 60, 300],
          description:
            'Pauses between looks for the order a return names while the hub does not know it yet (intake) or the ERP has not booked it yet (before the RMA is sent): ' +
            'its events may still be on their way, e.g. webhooks redelivered after a restart. After the last look an unknown order is refused (ORDER_NOT_FOUND) and an order never booked is raised as ORDER_NOT_BOOKED.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    customers: Type.Object(
      {
        targets: Type.Record(
          Type.String(),
          Type.Object(
            {
              partyTypes: Type.Array(Type.Union([Type.Literal('person'), Type.Literal('business')]), { default: ['person', 'business'], description: 'Party types this role receives.' }),
              groups: Type.Array(
                Type.Union(['identity', 'contact', 'preferences', 'consent', 'loyalty', 'billing'].map((group) => Type.Literal(group))),
                { default: ['identity', 'contact', 'preferences', 'consent', 'loyalty', 'billing'], description: 'Attribute groups the system stores: a change to another group is not sent to it.' },
              ),
            },
            { additionalProperties: false },
          ),
          {
            default: {
              erp: { partyTypes: ['person', 'business'], groups: ['identity', 'contact', 'billing'] },
              crm: { partyTypes: ['person', 'business'], groups: ['identity', 'contact', 'consent', 'billing'] },
              commerce: { partyTypes: ['person'], groups: ['contact', 'consent', 'preferences', 'loyalty'] },
            },
            description: 'Roles that receive customer profiles: the party types each takes (the storefront takes people only) and the attribute groups it stores (what the built-in connectors write).',
          },
        ),
        matchOn: Type.Array(Type.Union([Type.Literal('email'), Type.Literal('phone'), Type.Literal('loyalty'), Type.Literal('external')]), {
          default: ['email', 'phone', 'loyalty', 'external'],
          description: 'Keys a profile is matched to a global customer by; a profile matching two customers merges them (reversibly).',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    bopis: Type.Object(
      {
        locations: Type.Array(
          Type.Object(
            {
              code: Type.String({ minLength: 1 }),
              priority: Type.Integer({ minimum: 0, default: 100, description: 'Lower is preferred when distances are equal or unknown.' }),
              distanceKm: Type.Optional(Type.Record(Type.String(), Type.Number({ minimum: 0 }), { description: 'Distance to other locations by code.' })),
              shipsToStore: Type.Boolean({
                default: false,
                description: 'A warehouse that ships a rerouted pickup order to the pickup store (instead of a store the customer collects from).',
              }),
              address: Type.Optional(
                Type.Object(
                  {
                    line1: Type.String({ minLength: 1 }),
                    city: Type.String({ minLength: 1 }),
                    region: Type.Optional(Type.String()),
                    postalCode: Type.String({ minLength: 1 }),
                    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, e.g. US.' }),
                  },
                  { additionalProperties: false, description: 'Where a warehouse ships an order for pickup at this store.' },
                ),
              ),
            },
            { additionalProperties: false },
          ),
          { default: [], description: 'Pickup locations and how to choose a replacement.' },
        ),
        awaitBookingMinutes: Type.Number({
          exclusiveMinimum: 0,
          default: 60,
          description: 'How long a reroute waits for the ERP booking of the rerouted order to write its note of why in Salesforce.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

export type FlowSettings = Static<typeof FlowSettingsSchema>;

/** The settings with every default filled in (for tests and embedded use without a config file). */
export function flowSettings(partial: unknown = {}): FlowSettings {
  return Value.Default(FlowSettingsSchema, Value.Clone(partial)) as FlowSettings;
}
