/**
 * The contract every independent supplier meets. A supplier is written from the specs and docs alone
 * (specs/<profile>/openapi.yaml, profile.yaml, README.md, specs/baseline, docs/containers.md,
 * docs/suppliers.md); it shares no code with the mocks, the storage, the reference server or another
 * supplier. Its expected verdict is written, and committed, before the harness is run against it.
 */
export interface TenantCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface SupplierStartOptions {
  /** PEM key and certificate: serve https with them (plain http when absent, for debugging only). */
  readonly tls?: { readonly key: string; readonly cert: string };
  readonly tenants: { readonly a: TenantCredentials; readonly b: TenantCredentials };
  /** Absolute path of the repository's specs/ folder (fixtures are read from specs/<profile>/fixtures). */
  readonly specsDir: string;
}

export interface RunningSupplier {
  readonly url: string;
  close(): Promise<void>;
}

export interface ExpectedVerdict {
  /** Every clause judged by automated checks, with its expected status and why. */
  readonly clauses: Readonly<Record<string, { readonly status: string; readonly why: string }>>;
  readonly level: 'gold' | 'silver' | 'bronze' | 'none';
  readonly certifiable: boolean;
  /** Must checks expected to fail, each with why. */
  readonly failingChecks: Readonly<Record<string, string>>;
  /** Checks the harness is known to get wrong here, with what the spec says (reported, kept visible). */
  readonly knownHarnessGaps?: Readonly<Record<string, string>>;
}

export interface IndependentSupplier {
  /** kebab-case, unique. */
  readonly id: string;
  /** e.g. street-reports */
  readonly profile: string;
  readonly kind: 'honest' | 'legacy' | 'liar';
  /** One paragraph: who this supplier is and what it does differently. */
  readonly story: string;
  /** Optional operations of the profile it offers (operationIds). */
  readonly features: readonly string[];
  readonly expected: ExpectedVerdict;
  start(options: SupplierStartOptions): Promise<RunningSupplier>;
}
