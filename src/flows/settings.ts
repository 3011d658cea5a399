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
        allowedConditions: Type.Array(Type.String(), { default: ['unopened', 'opened', 'damaged'], description: 'Item conditions accepted back.' }),
        rmaExpiryDays: Type.Number({ exclusiveMinimum: 0, default: 14, description: 'An authorized return with no receipt within this many days expires.' }),
        onRefundFailure: Type.Union([Type.Literal('retry'), Type.Literal('compensate')], {
          default: 'retry',
          description: '`retry`: keep the credit memo, raise an exception, wait for an operator; `compensate`: also reverse the memo.',
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
            },
            { additionalProperties: false },
          ),
          { default: [], description: 'Pickup locations and how to choose a replacement.' },
        ),
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
