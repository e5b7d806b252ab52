import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { postToDashboard } from '../dashboard-client.ts';
import { EXIT, UsageError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { fromUserCwd } from '../user-cwd.ts';

export interface PublishOutcome {
  /** True when the dashboard stored the report (201) or already had it (200). */
  readonly published: boolean;
  readonly httpStatus: number;
  /** The dashboard's own words: `id`, `status`, `links` on success; `reason`, `detail` on refusal. */
  readonly body: Record<string, unknown>;
}

/**
 * Uploads a signed report's bytes unchanged to a dashboard's ingest API: the dashboard verifies the very
 * bytes the signer signed and offers them back for download as they are.
 */
export async function publishSignedReport(
  signedReport: Uint8Array,
  options: { readonly to: string; readonly token: string },
): Promise<PublishOutcome> {
  const { status, body } = await postToDashboard({
    ...options,
    path: 'api/reports',
    contentType: 'application/json',
    body: signedReport,
  });
  return { published: status === 200 || status === 201, httpStatus: status, body };
}

export function registerPublish(program: Command, io: CliIo): void {
  program
    .command('publish')
    .description(
      'upload a signed report to a Council Conform dashboard, which verifies it before it lists it',
    )
    .argument('<signed-report>', 'a report signed with `conform sign`')
    .requiredOption('--to <url>', 'the dashboard, e.g. https://conform.loti.london')
    .option('--token <token>', 'upload token the dashboard gave you (default: $CONFORM_UPLOAD_TOKEN)')
    .action(async (file: string, flags: { to: string; token?: string }) => {
      const token = flags.token ?? process.env.CONFORM_UPLOAD_TOKEN;
      if (!token)
        throw new UsageError(
          'UPLOAD_TOKEN_MISSING',
          'give the upload token with --token or CONFORM_UPLOAD_TOKEN',
        );
      const path = fromUserCwd(file);
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (error) {
        throw new UsageError('REPORT_UNREADABLE', `${path}: cannot be read: ${(error as Error).message}`);
      }
      const outcome = await publishSignedReport(bytes, { to: flags.to, token });
      const { body } = outcome;
      if (outcome.published) {
        io.out(
          `${outcome.httpStatus === 201 ? 'published' : 'already published'}: ${String(body.status ?? '')} report ${String(body.id ?? '')}`,
        );
        const links = (body.links ?? {}) as { product?: unknown };
        if (typeof links.product === 'string') io.out(new URL(links.product, flags.to).toString());
        return;
      }
      const reason = typeof body.reason === 'string' ? `${body.reason}: ` : '';
      const detail = String(body.detail ?? body.title ?? '');
      io.err(`conform: the dashboard refused the report (HTTP ${outcome.httpStatus}): ${reason}${detail}`);
      process.exitCode =
        outcome.httpStatus === 401 || outcome.httpStatus === 403 ? EXIT.usage : EXIT.findings;
    });
}
