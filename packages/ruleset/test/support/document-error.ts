import { DocumentError } from '@council-conform/openapi';

/** The `DocumentError` a lint refuses with; anything else it throws, or no refusal at all, fails the test. */
export async function documentError(run: () => Promise<unknown>): Promise<DocumentError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof DocumentError) return error;
    throw error;
  }
  throw new Error('expected a DocumentError');
}
