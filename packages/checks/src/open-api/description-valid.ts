import { validateOpenApiStructure } from '@council-conform/openapi';
import { type Check, ViolationCollector } from '@council-conform/runner';
import { fail, judge, judged } from '../support/outcomes.ts';

export const descriptionValid: Check = {
  id: 'description-valid',
  clause: 'open-api',
  severity: 'must',
  title: 'The description is valid OpenAPI 3',
  description:
    'Validates the published description against the official OpenAPI 3.0/3.1 schemas. Tools only generate clients and docs from a valid description; Swagger 2.0 is out of support.',
  sampling: 'The whole published description.',
  async run(ctx) {
    const found = await ctx.supplierDescription();
    if (!found) return fail('there is no description to validate (see description-discoverable)');
    const exchangeIds = [found.exchangeId];
    if (typeof found.document.swagger === 'string') {
      return fail(
        `the description is Swagger ${found.document.swagger}; publish OpenAPI 3.1 (3.0 is accepted)`,
        { exchangeIds },
      );
    }
    const version = String(found.document.openapi ?? '');
    if (!/^3\.[01]\.\d+$/.test(version))
      return fail(`"openapi: ${version}" is not an OpenAPI 3.0 or 3.1 version`, { exchangeIds });
    const violations = new ViolationCollector();
    for (const problem of await validateOpenApiStructure(found.document)) {
      violations.add('not valid against the OpenAPI schema', {
        message: problem.message,
        location: problem.pointer,
      });
    }
    return judge(
      violations,
      { pass: `valid OpenAPI ${version}`, fail: `the description is not valid OpenAPI ${version}` },
      { exchangeIds, judged: judged(1, 'descriptions') },
    );
  },
};
