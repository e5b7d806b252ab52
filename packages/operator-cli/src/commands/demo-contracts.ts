import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { importContractsRegister, registerCompanyNumber, writeOutputFile } from '@council-conform/cli';
import { type Council, councilOf } from '@council-conform/contracts';
import {
  REGISTER_HEADER,
  type RegisterRow,
  registerLine,
  SYNTHETIC_REGISTERS,
  SYNTHETIC_SUPPLIERS,
  ukDate,
} from '@council-conform/contracts/fixtures';

export interface DemoContractImport {
  readonly council: string;
  readonly source: string;
  readonly created: number;
  readonly refused: number;
}

export interface DemoContracts {
  readonly imports: readonly DemoContractImport[];
  /** The expiry timeline of the demo's system type, with its joint procurement windows. */
  readonly timelineUrl: string;
  readonly reviewUrl: string;
}

const [EXAMPLE, LEAKY] = SYNTHETIC_SUPPLIERS;

/**
 * The demo's suppliers and the products they publish, with the Companies House numbers the demo's registers
 * give them (invented: 99 is a range Companies House has not reached). The reference server's supplier is
 * this project; a council buying support for it would contract a company, which the registers name.
 */
export const DEMO_SUPPLIERS = [
  { ...EXAMPLE, product: 'Example Street Reports 4.2' },
  { ...LEAKY, product: 'OpenDoor Street Reports 1.0' },
  { name: 'Council Conform project', companyNumber: '99000103', product: 'Council Conform reference server' },
] as const;

const [EXAMPLE_SUPPLIER, LEAKY_SUPPLIER, PROJECT_SUPPLIER] = DEMO_SUPPLIERS;

/** The councils whose registers the demo imports: each gets an account of its own. */
export const DEMO_COUNCILS: readonly Council[] = ['E09000007', 'E09000012', 'E09000019', 'E09000028'].map(
  (code) => councilOf(code) as Council,
);

/** A demo register, as the council would publish it. */
export interface DemoRegister {
  readonly council: Council;
  readonly path: string;
}

/** The last day of the calendar quarter `ahead` quarters after the one `today` is in, as an ISO date. */
export function quarterEndAfter(today: Date, ahead: number): string {
  const quarters = today.getUTCFullYear() * 4 + Math.floor(today.getUTCMonth() / 3) + ahead;
  const year = Math.floor(quarters / 4);
  const lastMonth = (quarters % 4) * 3 + 2;
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, lastMonth + 1, 0)).toISOString().slice(0, 10);
}

/** The day after the same date `years` earlier: a contract of that many years ending on `end`. */
function startFor(end: string, years: number): string {
  const [year, month, day] = end.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year - years, month - 1, day + 1)).toISOString().slice(0, 10);
}

/** A street reporting contract, `years` long, ending `ahead` quarters from today. */
function streetReports(
  today: Date,
  ahead: number,
  years: number,
  row: Omit<RegisterRow, 'start' | 'end' | 'review' | 'sme' | 'vcse'>,
): RegisterRow {
  const end = quarterEndAfter(today, ahead);
  return {
    ...row,
    start: ukDate(startFor(end, years)),
    end: ukDate(end),
    review: '',
    sme: 'Yes',
    vcse: 'No',
  };
}

/**
 * The demo's registers, dated from `today` so that the timeline always looks ahead: each council's street
 * reporting contracts name the demo's products' suppliers by Companies House number, ending so that Camden
 * and Hackney, then Islington and Southwark, could buy together (joint procurement windows), with a gap
 * between. Two rows are left for a person to review, as a real register always has some: Islington names a
 * supplier without its number and in its own spelling, and Southwark's grounds maintenance is no system the
 * dashboard knows. Hackney's register also has a row with a date that is not one, which the import refuses.
 */
export function demoRegisterRows(today: Date): { council: Council; rows: RegisterRow[]; broken?: string }[] {
  const [camden, hackney, islington, southwark] = DEMO_COUNCILS as [Council, Council, Council, Council];
  return [
    {
      council: camden,
      rows: [
        streetReports(today, 3, 5, {
          unit: 'Environment and Sustainability',
          reference: 'CMD-ICT-0417',
          title: 'Street reporting and environmental enforcement system',
          description: 'Residents’ reports of fly-tipping, graffiti and potholes, with case handling',
          value: '£1,250,000.00',
          supplier: EXAMPLE_SUPPLIER.name,
          companyNumber: EXAMPLE_SUPPLIER.companyNumber,
        }),
        streetReports(today, 12, 4, {
          unit: 'Corporate Services',
          reference: 'CMD-ICT-0522',
          title: 'Street reports open data service',
          description: 'Hosting and support of the open-source street reports server for open data',
          value: '£85,000.00',
          // The company behind the project, under its registered name: the number is what matches.
          supplier: 'Council Conform Project CIC',
          companyNumber: PROJECT_SUPPLIER.companyNumber,
        }),
      ],
    },
    {
      council: hackney,
      rows: [
        streetReports(today, 4, 5, {
          unit: 'Public Realm',
          reference: 'HAC-C-7781',
          title: 'Fix-my-street reporting platform',
          description: 'Online reporting of street problems, with an open API for the council’s own apps',
          value: '£980,500',
          supplier: EXAMPLE_SUPPLIER.name,
          // Written with spaces, as people copy it from a letterhead.
          companyNumber: `${EXAMPLE_SUPPLIER.companyNumber.slice(0, 2)} ${EXAMPLE_SUPPLIER.companyNumber.slice(2, 5)} ${EXAMPLE_SUPPLIER.companyNumber.slice(5)}`,
        }),
        streetReports(today, 7, 3, {
          unit: 'Housing',
          reference: 'HAC-C-8120',
          title: 'Estates reporting app',
          description: 'Residents’ reports of repairs and anti-social behaviour on estates',
          value: '£210,000.00',
          supplier: LEAKY_SUPPLIER.name,
          companyNumber: LEAKY_SUPPLIER.companyNumber,
        }),
      ],
      // 31 February: a date that is not one, refused by line.
      broken: 'HAC-C-0999',
    },
    {
      council: islington,
      rows: [
        streetReports(today, 9, 4, {
          unit: 'Public Realm',
          reference: 'ISL/2022/031',
          title: 'Street reporting service',
          description: 'Street reporting for every ward, after a pilot in two',
          value: '£150,000.00',
          supplier: LEAKY_SUPPLIER.name,
          companyNumber: LEAKY_SUPPLIER.companyNumber,
        }),
        streetReports(today, 6, 5, {
          unit: 'Environment and Sustainability',
          reference: 'ISL/2021/118',
          title: 'Environmental reports app',
          description: 'Reporting app for street cleansing and waste issues',
          value: '420000',
          // The same supplier as Camden's and Hackney's, named its own way and without its number.
          supplier: 'EXAMPLE CIVIC SOFTWARE LIMITED',
          companyNumber: '',
        }),
      ],
    },
    {
      council: southwark,
      rows: [
        streetReports(today, 10, 5, {
          unit: 'Environment',
          reference: 'SWK/0291',
          title: 'Street reports on the open-source reference server',
          description: 'Reporting of street problems, run on the Council Conform reference server',
          value: '£120,000.00',
          supplier: 'Council Conform Project CIC',
          companyNumber: PROJECT_SUPPLIER.companyNumber,
        }),
        {
          ...streetReports(today, 5, 5, {
            unit: 'Parks',
            reference: 'SWK/0310',
            title: 'Grounds maintenance',
            description: 'Grass cutting, shrub beds and tree works in parks and on estates',
            value: '£1,881,213.00',
            supplier: 'Summit Contractors Ltd',
            companyNumber: '99668525',
          }),
          sme: 'No',
        },
      ],
    },
  ];
}

/** Writes the demo's registers into `dir` (one CSV per council, as the council publishes it). */
export async function writeDemoRegisters(dir: string, today: Date): Promise<DemoRegister[]> {
  await mkdir(dir, { recursive: true });
  const written: DemoRegister[] = [];
  for (const { council, rows, broken } of demoRegisterRows(today)) {
    const slug = council.name.toLowerCase().replace(/[^a-z]+/g, '-');
    const organisation = {
      uri: `http://opendatacommunities.org/id/london-borough-council/${slug}`,
      label: council.name,
    };
    const lines = [REGISTER_HEADER.join(','), ...rows.map((row) => registerLine(organisation, row))];
    const first = rows[0];
    if (broken && first)
      lines.push(registerLine(organisation, { ...first, reference: broken, end: '31/02/2027' }));
    const path = join(dir, `${slug}.csv`);
    await writeOutputFile(path, `${lines.join('\r\n')}\r\n`);
    written.push({ council, path });
  }
  return written;
}

/**
 * The demo's procurement step, on a dashboard its suppliers have published to: registers each supplier's
 * Companies House number, as LOTI would after checking it, and imports each council's register with the
 * council's own credential, malformed rows and all, as `conform contracts import` does.
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
    /** The registers to import; by default the synthetic registers of packages/contracts/fixtures. */
    readonly registers?: readonly DemoRegister[];
    /** Suppliers under the names they published with; by default the synthetic registers' two. */
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
  for (const register of options.registers ?? SYNTHETIC_REGISTERS) {
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
