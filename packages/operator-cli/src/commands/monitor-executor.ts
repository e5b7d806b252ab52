import { signReport } from '@council-conform/certificates';
import { type CliIo, conformRun, publishSignedReport } from '@council-conform/cli';
import {
  type MonitorTarget,
  type Publication,
  type Regression,
  type RunExecutor,
  resolveCredentials,
} from '@council-conform/monitor';

export interface ConformRunExecutorOptions {
  /** The dashboard the signed reports are published to. */
  readonly dashboardUrl: string;
  readonly uploadToken: string;
  /** Private key the worker signs with: the certifier's for LOTI's sweep, a supplier's for its own monitoring. */
  readonly signingKeyPem: string;
  readonly role: 'certifier' | 'supplier';
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const SILENT: CliIo = { out: () => undefined, err: () => undefined };

/**
 * A scheduled run is `conform run` with the target's settings, signed like `conform sign` and published like
 * `conform publish`: the same report a supplier gets by hand, so the league table cannot tell them apart.
 */
export function conformRunExecutor(options: ConformRunExecutorOptions): RunExecutor {
  const env = options.env ?? process.env;
  return {
    async run(target: MonitorTarget) {
      const credentials = await resolveCredentials(target.credentials, env);
      const secondTenant = await resolveCredentials(target.secondTenant, env, "this target's second tenant");
      const { resolveRunConfig } = await import('@council-conform/runner');
      const config = resolveRunConfig({
        target: target.baseUrl,
        mode: target.mode,
        features: [...target.features],
        runBudgetMs: target.runBudgetSeconds * 1000,
        ...(credentials ? { credentials } : {}),
        ...(secondTenant ? { secondTenant } : {}),
        ...(target.requestsPerSecond !== undefined ? { requestsPerSecond: target.requestsPerSecond } : {}),
      });
      const { report } = await conformRun(
        { profile: target.profile, config, outputs: {}, dryRun: false },
        SILENT,
        { progress: false, summary: false },
      );
      const signed = signReport(report, {
        privateKeyPem: options.signingKeyPem,
        role: options.role,
        supplier: target.supplier,
        product: target.product,
        // A scheduled run that proves no level is still published, as evidence (a regression is one): it
        // verifies as self-assessed, never as certified, whoever signs it.
        evidenceOnly: true,
      });
      const mustFailures = report.checks.filter((c) => c.severity === 'must' && c.status === 'fail').length;
      return {
        signedReport: `${JSON.stringify(signed, null, 2)}\n`,
        level: report.level,
        mustFailures,
        summary: `level ${report.level}, ${mustFailures} must check${mustFailures === 1 ? '' : 's'} failed, ${report.checks.length} checks, ${report.requests} requests`,
      };
    },

    async publish(_target: MonitorTarget, signedReport: string): Promise<Publication> {
      const outcome = await publishSignedReport(Buffer.from(signedReport), {
        to: options.dashboardUrl,
        token: options.uploadToken,
      });
      const { body } = outcome;
      if (!outcome.published)
        throw new Error(
          `the dashboard refused the report (HTTP ${outcome.httpStatus}): ${String(body.reason ?? '')} ${String(body.detail ?? body.title ?? '')}`.trim(),
        );
      const links = (body.links ?? {}) as { run?: string; product?: string; report?: string };
      const absolute = (path: string | undefined) =>
        path ? new URL(path, options.dashboardUrl).toString() : null;
      return {
        reportId: String(body.id ?? ''),
        reportUrl: absolute(links.run ?? links.report) ?? '',
        productUrl: absolute(links.product),
        regressions: Array.isArray(body.regressions) ? (body.regressions as Regression[]) : [],
      };
    },
  };
}
