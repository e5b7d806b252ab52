import type { IndependentSupplier } from '../supplier.ts';
import { HIGHWAYS_CLASSIC_EXPECTED } from './expected.ts';
import { startHighwaysClassic } from './server.ts';

export const highwaysClassic: IndependentSupplier = {
  id: 'highways-classic',
  profile: 'street-reports',
  kind: 'legacy',
  story:
    'Highways Classic is Meridian Civic Systems’ highways enquiry and asset management system, a Java servlet application first sold in 2009 and run on premises by many county and borough highways teams; an Open311 interface module with an API gateway in front was added in 2016 and regenerated from the reference spec for the 1.1 baseline. Underneath it still shows its age: the officer-entered target date (expected_datetime) leaves the database as dd/MM/yyyy HH:mm; the CSV export writer uses the JVM’s default Windows-1252 charset; a bad query parameter or body escapes the gateway as the Tomcat HTML error page with a Java stack trace and the database connection string; the gateway sends no CORS headers; and the old /v1/requests.json path announces its withdrawal with the draft-era Deprecation: true and an ISO 8601 Sunset date.',
  features: [],
  expected: HIGHWAYS_CLASSIC_EXPECTED,
  start: startHighwaysClassic,
};
