import type { IndependentSupplier } from '../supplier.ts';
import { OPEN311_WORKS_EXPECTED } from './expected.ts';
import { startOpen311Works } from './server.ts';

export const open311Works: IndependentSupplier = {
  id: 'open311-works',
  profile: 'street-reports',
  kind: 'honest',
  story:
    'Open311 Works is a small hosted Open311 GeoReport v2 endpoint that two London councils (Hackney as tenant A, Waltham Forest as tenant B) put in front of their street-scene back offices for FixMyStreet. It meets every MUST and leans on everything the specs allow: unfiltered report and update lists answer only the last 90 days while modified_after reaches every record; /services.json leaves attributes out; next links are relative; the token endpoint takes client_secret_basic only; export files always redirect (302) to a pre-signed, HMAC-signed, five-minute URL on a second https origin that needs no token; kept-alive connections are closed after six requests; public notes give the council switchboard and street-scene mailbox, and some say a repair is booked for 14/12/2026 in prose; a deprecated GeoReport discovery document announces its sunset.',
  features: ['createServiceRequestUpdate'],
  expected: OPEN311_WORKS_EXPECTED,
  start: startOpen311Works,
};
