import type { IndependentSupplier } from '../supplier.ts';
import { expected } from './expected.ts';
import { startRepairsDirect } from './server.ts';

export const repairsDirect: IndependentSupplier = {
  id: 'repairs-direct',
  profile: 'housing-repairs',
  kind: 'honest',
  story:
    'Repairs Direct is a small responsive-repairs SaaS that set out to meet the housing-repairs profile to the letter. It keeps no documents: every record is shredded into relational-style tables (a root table per dataset with flattened columns, a child table per array) and assembled again on the way out. Lists page by opaque base64url JSON keyset cursors with absolute next links, its token endpoint takes client_secret_basic and client_secret_post, exports complete on the second poll, and it books appointments into free slots it computes itself.',
  features: ['listAppointmentSlots'],
  expected,
  start: startRepairsDirect,
};
