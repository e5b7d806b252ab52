import type { IndependentSupplier } from '../supplier.ts';
import { expected } from './expected.ts';
import { startLicensingGateway } from './server.ts';

export const licensingGateway: IndependentSupplier = {
  id: 'licensing-gateway',
  profile: 'premises-licences',
  kind: 'legacy',
  story:
    'Licensing Gateway is a licensing system in service since 2005, given a premises-licences API in its 5.x release. It holds 600 licences. Its public register is listed from two shards, and the archive shard has not answered since an upgrade: from record 501 on the list answers 500. Its 3.x paths (/licences, /public-register) are deprecated and say so the 3.x way, Deprecation: yes and Sunset: 2027-06-30. And the register’s entry page, kept from 3.x, still shows a sole trader’s licence as issued, with the holder’s name, address, e-mail and phone and the DPS, though the list withholds them. Exports complete at once and are fetched from an object store through signed URLs on another origin.',
  features: [],
  expected,
  start: startLicensingGateway,
};
