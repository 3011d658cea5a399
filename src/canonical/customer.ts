import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { defineEntity } from './entity.ts';
import { personal, PersonalDataKind } from './personal-data.ts';
import {
  EmailAddress,
  enumOf,
  LocationCode,
  Money,
  PersonName,
  PhoneNumber,
  postalAddress,
  ShortText,
  SystemName,
  Timestamp,
} from './primitives.ts';

export const PartyType = { person: 'person', business: 'business' } as const;
export type PartyType = (typeof PartyType)[keyof typeof PartyType];

export const ContactUse = { personal: 'personal', work: 'work', other: 'other' } as const;
export type ContactUse = (typeof ContactUse)[keyof typeof ContactUse];

export const PhoneType = { mobile: 'mobile', home: 'home', work: 'work', other: 'other' } as const;
export type PhoneType = (typeof PhoneType)[keyof typeof PhoneType];

export const AddressUse = { billing: 'billing', shipping: 'shipping', both: 'both' } as const;
export type AddressUse = (typeof AddressUse)[keyof typeof AddressUse];

export const ConsentChannel = { email: 'email', sms: 'sms', phone: 'phone', post: 'post', push: 'push' } as const;
export type ConsentChannel = (typeof ConsentChannel)[keyof typeof ConsentChannel];

/** `unknown` is not "no": a channel without a recorded decision may not be used for marketing. */
export const ConsentStatus = { granted: 'granted', denied: 'denied', withdrawn: 'withdrawn', unknown: 'unknown' } as const;
export type ConsentStatus = (typeof ConsentStatus)[keyof typeof ConsentStatus];

export const BillingAccountStatus = { active: 'active', onHold: 'on-hold', closed: 'closed' } as const;
export type BillingAccountStatus = (typeof BillingAccountStatus)[keyof typeof BillingAccountStatus];

const Consent = Type.Object(
  {
    status: enumOf(ConsentStatus),
    source: { ...SystemName, description: 'System where the customer gave or withdrew consent.' },
    capturedAt: { ...Timestamp, description: 'When the customer gave or withdrew consent.' },
    // The wording the customer agreed to, needed to prove consent (GDPR art. 7(1)).
    policyVersion: Type.Optional(ShortText('Version of the consent text shown.', 64)),
  },
  { additionalProperties: false },
);

export const CustomerSchema = defineEntity({
  name: 'customer',
  version: 1,
  title: 'Customer',
  description: 'A person or business that buys from the retailer, merged across systems.',
  properties: {
    partyType: enumOf(PartyType),
    name: Type.Object(
      {
        given: Type.Optional(PersonName),
        family: Type.Optional(PersonName),
        full: PersonName,
      },
      { additionalProperties: false, description: 'Person name, or the contact person of a business.' },
    ),
    companyName: Type.Optional(ShortText('Registered name of a business customer.', 200)),
    emails: Type.Array(
      Type.Object(
        { address: EmailAddress, use: enumOf(ContactUse), primary: Type.Boolean(), verified: Type.Optional(Type.Boolean()) },
        { additionalProperties: false },
      ),
      { maxItems: 20 },
    ),
    phones: Type.Array(
      Type.Object({ number: PhoneNumber, type: enumOf(PhoneType), primary: Type.Boolean() }, { additionalProperties: false }),
      { maxItems: 20 },
    ),
    addresses: Type.Array(
      Type.Object(
        {
          use: enumOf(AddressUse),
          isDefault: Type.Boolean(),
          address: postalAddress({ personalData: true }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
    loyalty: Type.Optional(
      Type.Object(
        {
          memberId: personal(PersonalDataKind.identifier, ShortText('Loyalty programme member id.', 64)),
          tier: Type.Optional(ShortText('Tier name, e.g. gold.', 64)),
          pointsBalance: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
    ),
    consents: Type.Object(
      {
        email: Type.Optional(Consent),
        sms: Type.Optional(Consent),
        phone: Type.Optional(Consent),
        post: Type.Optional(Consent),
        push: Type.Optional(Consent),
      },
      { additionalProperties: false, description: 'Marketing consent per channel, with where and when it was given.' },
    ),
    preferredStoreCode: Type.Optional(LocationCode),
    locale: Type.Optional(
      Type.String({ pattern: '^[a-z]{2,3}(-[A-Z]{2})?$', description: 'BCP 47 language tag, e.g. en-GB.', 'x-expected': 'a language tag such as en-GB' }),
    ),
    billingAccount: Type.Optional(
      Type.Object(
        {
          accountNumber: ShortText('Account number in the ERP.', 64),
          creditLimit: Money,
          paymentTerms: Type.Optional(ShortText('Payment terms code, e.g. NET30.', 32)),
          status: enumOf(BillingAccountStatus),
        },
        { additionalProperties: false, description: 'Trade account for invoiced (B2B) customers; owned by the ERP.' },
      ),
    ),
    taxId: Type.Optional(personal(PersonalDataKind.identifier, ShortText('VAT or tax registration number.', 64))),
  },
});

export type Customer = Static<typeof CustomerSchema>;
