import { isObject } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/** Someone answers for the API: `info.contact` gives a URL or an e-mail address. */
export const contactPublished = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function contactPublished(info) {
    if (!isObject(info)) return [];
    const contact = info.contact;
    const reachable =
      isObject(contact) &&
      ((typeof contact.url === 'string' && contact.url.trim() !== '') ||
        (typeof contact.email === 'string' && contact.email.trim() !== ''));
    if (reachable) return [];
    const results: IFunctionResult[] = [
      {
        message: isObject(contact)
          ? '`info.contact` gives neither a url nor an email: say where councils report problems and hear about changes.'
          : 'No `info.contact`: say who answers for this API (a url or an email) so councils can report problems and hear about changes.',
        path: isObject(contact) ? ['info', 'contact'] : ['info'],
      },
    ];
    return results;
  },
);
