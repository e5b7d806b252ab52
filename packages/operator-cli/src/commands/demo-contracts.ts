import { importContractsRegister, registerCompanyNumber } from '@council-conform/cli';
import { SYNTHETIC_REGISTERS, SYNTHETIC_SUPPLIERS } from '@council-conform/contracts/fixtures';

export interface DemoContractImport {
  readonly council: string;
  readonly source: string;
  readonly created: number;
  readonly refused: number;
}

export interface DemoContracts {
  readonly imports: readonly DemoContractImport[];
  /** The expiry timeline of the demo's system type, where Camden and Hackney share a procurement window. */
  readonly timelineUrl: string;
  readonly reviewUrl: string;
}

/** The councils whose synthetic registers the demo imports: each gets an account of its own. */
export const DEMO_COUNCILS = SYNTHETIC_REGISTERS.map((register) => ({
  code: register.council.code,
  name: register.council.name,
}));

/**
 * The demo's procurement step, on a dashboard its suppliers have published to: registers each supplier's
 * Companies House number (as the synthetic registers give it) and imports the three boroughs' synthetic
 * registers, malformed rows and all, as `conform contracts import` does.
 */
export async function importDemoContracts(
  dashboard: {
    readonly url: string;
    /** An administrator's credential: it registers the suppliers' numbers, as LOTI would after checking them. */
    readonly administratorToken: string;
    /** Each council's own credential, by GSS code: a council imports only its own register. */
    readonly councilTokens: ReadonlyMap<string, string>;
  },
  options: {
    readonly systemType: string;
    /** The demo's suppliers under the names they published with; by default the synthetic registers' own. */
    readonly suppliers?: readonly { readonly name: string; readonly companyNumber: string }[];
  },
): Promise<DemoContracts> {
  for (const supplier of options.suppliers ?? SYNTHETIC_SUPPLIERS) {
    const answer = await registerCompanyNumber({
      supplier: supplier.name,
      companyNumber: supplier.companyNumber,
      to: dashboard.url,
      token: dashboard.administratorToken,
    });
    if (answer.httpStatus !== 200 && answer.httpStatus !== 201)
      throw new Error(
        `the dashboard refused ${supplier.name}'s Companies House number: HTTP ${answer.httpStatus} ${String(answer.body.detail ?? '')}`,
      );
  }
  const imports: DemoContractImport[] = [];
  for (const register of SYNTHETIC_REGISTERS) {
    const token = dashboard.councilTokens.get(register.council.code);
    if (!token)
      throw new Error(`the demo has no account for ${register.council.name} (${register.council.code})`);
    const outcome = await importContractsRegister(register.path, {
      council: register.council.code,
      to: dashboard.url,
      token,
    });
    if (!outcome.imported)
      throw new Error(
        `the dashboard refused ${register.council.name}'s register: HTTP ${outcome.httpStatus} ${String(outcome.body.detail ?? '')}`,
      );
    imports.push({
      council: register.council.name,
      source: outcome.source,
      created: Number(outcome.body.created ?? 0),
      refused: Number(outcome.body.refused ?? 0),
    });
  }
  return {
    imports,
    timelineUrl: new URL(`/procurement/timelines/${options.systemType}`, dashboard.url).toString(),
    reviewUrl: new URL('/procurement/review', dashboard.url).toString(),
  };
}
