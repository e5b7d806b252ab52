import type { Check } from '@council-conform/runner';
import { isObject } from '../support/json.ts';
import { fail, judged, notApplicable, pass } from '../support/outcomes.ts';

/** Semantic Versioning 2.0.0, the regular expression semver.org publishes. */
export const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export const transparentSemanticVersion: Check = {
  id: 'transparent-semantic-version',
  clause: 'transparent',
  severity: 'must',
  title: 'The description carries a semantic version',
  description:
    'The supplier’s OpenAPI description states its version in info.version as a Semantic Versioning 2.0.0 number (MAJOR.MINOR.PATCH), so a council can tell a breaking change from a fix before it lands.',
  sampling: 'info.version of the published description.',
  async run(ctx) {
    const description = await ctx.supplierDescription();
    if (!description)
      return notApplicable(
        'no OpenAPI description was found, so there is no version to judge (description-discoverable reports the missing description)',
      );
    const exchangeIds = [description.exchangeId];
    const info = isObject(description.document.info) ? description.document.info : {};
    const version = info.version;
    if (typeof version !== 'string' || version.trim() === '')
      return fail('the description has no info.version: state the API version as MAJOR.MINOR.PATCH', {
        exchangeIds,
      });
    if (!SEMVER.test(version)) {
      const hint = /^v\d/i.test(version) ? ' (drop the leading "v")' : '';
      return fail(
        `info.version is "${version.slice(0, 60)}", not a semantic version: use MAJOR.MINOR.PATCH such as 2.4.1${hint}`,
        { exchangeIds, data: { version: version.slice(0, 60) } },
      );
    }
    return pass(`info.version is ${version}, a semantic version`, {
      exchangeIds,
      data: { version },
      judged: judged(1, 'descriptions'),
    });
  },
};
