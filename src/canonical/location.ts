import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { defineEntity } from './entity.ts';
import { enumOf, GeoCoordinates, LocationCode, postalAddress, ShortText, TimeZone } from './primitives.ts';

export const LocationType = { store: 'store', warehouse: 'warehouse', distributionCenter: 'distribution-center' } as const;
export type LocationType = (typeof LocationType)[keyof typeof LocationType];

export const LocationSchema = defineEntity({
  name: 'location',
  version: 1,
  title: 'Location',
  description: 'A place that holds stock: a store, a warehouse or a distribution centre.',
  properties: {
    code: LocationCode,
    name: ShortText('Location name, e.g. London Oxford Street.', 200),
    type: enumOf(LocationType),
    address: postalAddress({ personalData: false, description: 'Public address of the location.' }),
    geo: Type.Optional(GeoCoordinates),
    timeZone: Type.Optional(TimeZone),
    capabilities: Type.Object(
      {
        shipToCustomer: Type.Boolean({ description: 'Can ship orders to customers.' }),
        pickupInStore: Type.Boolean({ description: 'Customers can collect orders here (BOPIS).' }),
        shipFromStore: Type.Boolean({ description: 'A store that can pick and ship web orders.' }),
      },
      { additionalProperties: false },
    ),
    fulfilmentPriority: Type.Integer({
      minimum: 1,
      description: 'Sourcing preference: 1 is tried first; ties are broken by distance.',
    }),
    active: Type.Boolean(),
  },
});

export type Location = Static<typeof LocationSchema>;
