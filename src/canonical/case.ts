import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { defineEntity } from './entity.ts';
import { personal, PersonalDataKind } from './personal-data.ts';
import { documentNumber, enumOf, HubId, ShortText, Timestamp } from './primitives.ts';

export const CaseStatus = {
  new: 'new',
  open: 'open',
  waitingOnCustomer: 'waiting-on-customer',
  escalated: 'escalated',
  resolved: 'resolved',
  closed: 'closed',
} as const;
export type CaseStatus = (typeof CaseStatus)[keyof typeof CaseStatus];

export const CasePriority = { low: 'low', medium: 'medium', high: 'high', urgent: 'urgent' } as const;
export type CasePriority = (typeof CasePriority)[keyof typeof CasePriority];

export const CaseOrigin = { email: 'email', phone: 'phone', web: 'web', chat: 'chat', store: 'store', social: 'social' } as const;
export type CaseOrigin = (typeof CaseOrigin)[keyof typeof CaseOrigin];

export const CaseSchema = defineEntity({
  name: 'case',
  version: 1,
  title: 'Case',
  description: 'A customer service case, owned by the CRM; business key `caseNumber`.',
  properties: {
    caseNumber: documentNumber('Case number from the CRM.', ['00012873']),
    // The subject stays readable for the console's viewers ("Where is my order?"); the
    // description is where customers' own words, addresses and card stories end up.
    subject: ShortText('Short summary of the request.', 255),
    description: Type.Optional(personal(PersonalDataKind.freeText, ShortText('Full request text.', 32_000))),
    status: enumOf(CaseStatus),
    priority: enumOf(CasePriority),
    origin: enumOf(CaseOrigin),
    customerId: HubId,
    orderNumber: Type.Optional(documentNumber('Related order.')),
    rmaNumber: Type.Optional(documentNumber('Related return.')),
    openedAt: Timestamp,
    closedAt: Type.Optional(Timestamp),
  },
});

export type Case = Static<typeof CaseSchema>;
