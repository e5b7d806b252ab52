import { readFile } from 'node:fs/promises';
import { type SignedReport, verifySignedReport } from '@council-conform/certificates';
import { decodeRegister, type ParsedRegister, parseContractsRegister } from '@council-conform/contracts';
import { SYNTHETIC_REGISTERS, SYNTHETIC_SUPPLIERS } from '@council-conform/contracts/fixtures';
import type { RunReport } from '@council-conform/runner';
import { openPglite, openPostgres, type SqlClient } from '@council-conform/storage';
import { createTestDatabase, postgresForTests, type TestDatabase } from '@council-conform/storage/testing';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractsStoreError } from '../src/contracts-store.ts';
import { productIdOf, supplierIdOf } from '../src/ids.ts';
import { createResultsStore, type IngestInput, type ResultsStore } from '../src/store.ts';
import {
  asProduct,
  certify,
  type Keys,
  makeKeys,
  runAgainstMock,
  SPEC,
  withoutAttestation,
} from './support.ts';

// With CI=true a missing PostgreSQL fails the run instead of skipping.
const postgres = await postgresForTests('PostgreSQL contracts store tests');

const keys: Keys = makeKeys();
const [EXAMPLE, LEAKY] = SYNTHETIC_SUPPLIERS;
const [CAMDEN, HACKNEY, ISLINGTON] = SYNTHETIC_REGISTERS.map((register) => register.council) as [
  { code: string; name: string },
  { code: string; name: string },
  { code: string; name: string },
];
const ids = {
  example: productIdOf(EXAMPLE.name, 'Example Street Reports 4.2', SPEC),
  leaky: productIdOf(LEAKY.name, 'OpenDoor Street Reports 1.0', SPEC),
  exampleSecond: productIdOf(EXAMPLE.name, 'Example Waste 2.0', SPEC),
};
const AT = new Date('2026-11-01T09:00:00Z');

let run: RunReport;
let registers: ParsedRegister[];

function verified(signed: SignedReport): IngestInput {
  const result = verifySignedReport(JSON.parse(JSON.stringify(signed)), {
    trustedKeys: [{ publicKeyPem: keys.certifier.publicKeyPem, role: 'certifier', name: 'assurer' }],
  });
  if (!result.ok) throw new Error(`test report does not verify: ${result.message}`);
  return {
    signedReport: result.signedReport,
    text: JSON.stringify(signed),
    status: result.status,
    validSignatures: result.validSignatures,
    receivedAt: AT,
  };
}

beforeAll(async () => {
  run = await runAgainstMock();
  registers = await Promise.all(
    SYNTHETIC_REGISTERS.map(async (register) =>
      parseContractsRegister(decodeRegister(await readFile(register.path)).text),
    ),
  );
}, BUDGET.realRun);

/** One behaviour, two databases: matching must not depend on where the contracts are stored. */
function contractsStoreContract(
  name: string,
  openSql: () => Promise<SqlClient>,
  kind: 'pglite' | 'postgresql',
) {
  describe(name, () => {
    let store: ResultsStore;
    const importAt = (
      index: number,
      council = [CAMDEN, HACKNEY, ISLINGTON][index] as { code: string; name: string },
    ) =>
      store.contracts.importRegister({
        council,
        source: `${council.name.toLowerCase()}.csv`,
        register: registers[index] as ParsedRegister,
        importedAt: AT,
      });

    beforeAll(async () => {
      store = await createResultsStore(await openSql(), kind);
      await store.ingest(verified(certify(run, keys)));
      await store.ingest(
        verified(
          certify(withoutAttestation(run), keys, {
            supplier: LEAKY.name,
            product: 'OpenDoor Street Reports 1.0',
          }),
        ),
      );
    });
    afterAll(async () => {
      await store?.close();
    });

    it('imports a register, keeping every field’s type, and counts a second import as unchanged', async () => {
      expect(await importAt(0)).toMatchObject({
        rowsRead: 11,
        created: 8,
        updated: 0,
        unchanged: 0,
        refused: 3,
      });
      expect(await importAt(0)).toMatchObject({ created: 0, updated: 0, unchanged: 8, refused: 3 });
      const [street] = await store.contracts
        .contracts({ councilCode: CAMDEN.code, supplierId: undefined })
        .then((all) => all.filter((c) => c.reference === 'CMD-ICT-0417'));
      expect(street).toMatchObject({
        council: CAMDEN,
        startDate: '2024-04-01',
        endDate: '2029-03-31',
        reviewDate: '2028-09-30',
        valuePence: 125_000_000,
        companyNumber: '99000101',
        sme: true,
        vcse: false,
        source: 'camden.csv',
        importedAt: AT.toISOString(),
        line: 2,
      });
      const [summary] = await store.contracts.councils();
      expect(summary).toEqual({
        ...CAMDEN,
        contracts: 8,
        lastImport: { source: 'camden.csv', importedAt: AT.toISOString() },
      });
      const imports = await store.contracts.imports(CAMDEN.code);
      expect(imports).toHaveLength(2);
      expect(imports[0]?.problems.map((p) => p.line)).toEqual([4, 8, 12]);
    });

    it('serialises two imports of one council at once: each contract stored once, counted new once', async () => {
      const [first, second] = await Promise.all([importAt(1), importAt(1)]);
      expect((first?.created ?? 0) + (second?.created ?? 0)).toBe(8);
      expect((first?.unchanged ?? 0) + (second?.unchanged ?? 0)).toBe(8);
      expect(await store.contracts.contracts({ councilCode: HACKNEY.code })).toHaveLength(8);
      await importAt(2);
    });

    it('matches a registered Companies House number to the supplier’s only product, from then on', async () => {
      const before = await store.contracts.contracts({ productId: ids.example });
      expect(before).toEqual([]);
      expect(
        await store.contracts.registerCompanyNumber({
          supplierId: supplierIdOf(EXAMPLE.name),
          companyNumber: EXAMPLE.companyNumber,
          registeredAt: AT,
        }),
      ).toEqual({ created: true });
      await store.contracts.registerCompanyNumber({
        supplierId: supplierIdOf(LEAKY.name),
        companyNumber: LEAKY.companyNumber,
        registeredAt: AT,
      });
      const matched = await store.contracts.contracts({ productId: ids.example });
      expect(matched.map((c) => [c.council.code, c.reference, c.matchedBy, c.systemType])).toEqual([
        [CAMDEN.code, 'CMD-ICT-0417', 'companies-house', SPEC],
        [HACKNEY.code, 'HAC-C-7781', 'companies-house', SPEC],
      ]);
      expect(
        (await store.contracts.contracts({ supplierId: supplierIdOf(LEAKY.name) })).map((c) => c.reference),
      ).toEqual(['ISL/2022/031']);
      expect(await store.contracts.companyNumbers(supplierIdOf(EXAMPLE.name))).toEqual([
        EXAMPLE.companyNumber,
      ]);
    });

    it('refuses a number held by another supplier, or for a supplier that has not published', async () => {
      const refusal = (supplierId: string, companyNumber: string) =>
        store.contracts.registerCompanyNumber({ supplierId, companyNumber, registeredAt: AT }).then(
          () => undefined,
          (error: unknown) => (error as ContractsStoreError).code,
        );
      expect(await refusal(supplierIdOf(LEAKY.name), EXAMPLE.companyNumber)).toBe('COMPANY_NUMBER_TAKEN');
      expect(await refusal(supplierIdOf('Nobody Ltd'), '99000999')).toBe('SUPPLIER_NOT_FOUND');
      expect(
        await store.contracts.registerCompanyNumber({
          supplierId: supplierIdOf(EXAMPLE.name),
          companyNumber: EXAMPLE.companyNumber,
          registeredAt: AT,
        }),
      ).toEqual({ created: false });
    });

    it('keeps a reviewer’s link through re-imports, and applies the linked name in other registers', async () => {
      const linked = await store.contracts.link({
        councilCode: ISLINGTON.code,
        reference: 'ISL/2021/118',
        decision: 'product',
        productId: ids.example,
        reviewedAt: AT,
      });
      expect(linked).toMatchObject({ productId: ids.example, matchedBy: 'reviewed', needsReview: false });
      await importAt(2);
      const westminster = parseContractsRegister(
        'Reference,Title,End date,Supplier\nW-1,Reporting app,30/09/2027,The Example Civic Software Company Limited\n',
      );
      await store.contracts.importRegister({
        council: { code: 'E09000033', name: 'Westminster' },
        source: 'westminster.csv',
        register: westminster,
        importedAt: AT,
      });
      expect(
        (await store.contracts.contracts({ productId: ids.example })).map((c) => [c.reference, c.matchedBy]),
      ).toEqual([
        ['W-1', 'reviewed-name'],
        ['CMD-ICT-0417', 'companies-house'],
        ['HAC-C-7781', 'companies-house'],
        ['ISL/2021/118', 'reviewed'],
      ]);
    });

    it('records a system type for an unlisted supplier, and "not covered", taking both off the review list', async () => {
      const typed = await store.contracts.link({
        councilCode: CAMDEN.code,
        reference: 'CMD-HSG-0233',
        decision: 'system-type',
        systemType: 'housing-repairs',
        reviewedAt: AT,
      });
      expect(typed).toMatchObject({
        systemType: 'housing-repairs',
        productId: null,
        matchedBy: null,
        decision: 'system-type',
      });
      await store.contracts.link({
        councilCode: CAMDEN.code,
        reference: 'CMD-PLN-0108',
        decision: 'not-covered',
        reviewedAt: AT,
      });
      const waiting = (await store.contracts.contracts({ councilCode: CAMDEN.code, needsReview: true })).map(
        (c) => c.reference,
      );
      expect(waiting).not.toContain('CMD-HSG-0233');
      expect(waiting).not.toContain('CMD-PLN-0108');
      expect(
        (await store.contracts.contracts({ systemType: 'housing-repairs' })).map((c) => c.reference),
      ).toEqual(['CMD-HSG-0233']);
    });

    it('refuses a decision that does not hang together, or names nothing stored', async () => {
      const refusal = (input: Parameters<ResultsStore['contracts']['link']>[0]) =>
        store.contracts.link(input).then(
          () => undefined,
          (error: unknown) => (error as ContractsStoreError).code,
        );
      const base = { councilCode: CAMDEN.code, reference: 'CMD-PLN-0108', reviewedAt: AT };
      expect(await refusal({ ...base, decision: 'product' })).toBe('LINK_INVALID');
      expect(await refusal({ ...base, decision: 'not-covered', systemType: 'housing-repairs' })).toBe(
        'LINK_INVALID',
      );
      expect(await refusal({ ...base, decision: 'product', productId: 'no-such-product' })).toBe(
        'PRODUCT_NOT_FOUND',
      );
      expect(await refusal({ ...base, reference: 'NOPE', decision: 'not-covered' })).toBe(
        'CONTRACT_NOT_FOUND',
      );
    });

    it('matches by number only to a product the contract names, once the supplier lists a second', async () => {
      await store.ingest(verified(certify(asProduct(run, EXAMPLE.name, 'Example Waste 2.0'), keys)));
      const named = parseContractsRegister(
        `Reference,Title,End date,Supplier,Company number\nS-1,Example Waste 2.0 hosting,31/03/2028,${EXAMPLE.name},${EXAMPLE.companyNumber}\n`,
      );
      await store.contracts.importRegister({
        council: { code: 'E09000028', name: 'Southwark' },
        source: 'southwark.csv',
        register: named,
        importedAt: AT,
      });
      const byReference = new Map((await store.contracts.contracts()).map((c) => [c.reference, c]));
      expect(byReference.get('S-1')).toMatchObject({
        productId: ids.exampleSecond,
        matchedBy: 'companies-house',
      });
      // Camden's title names neither product: the supplier is known, the product waits for a person.
      expect(byReference.get('CMD-ICT-0417')).toMatchObject({
        supplierId: supplierIdOf(EXAMPLE.name),
        productId: null,
        needsReview: true,
      });
      // A person's link stands whatever the supplier lists.
      expect(byReference.get('ISL/2021/118')).toMatchObject({ productId: ids.example });
    });
  });
}

contractsStoreContract('contracts on embedded PGlite', () => openPglite(), 'pglite');

let database: TestDatabase | undefined;
describe.skipIf(!postgres.available)('contracts on a PostgreSQL server', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  contractsStoreContract(
    'contracts on PostgreSQL',
    () => openPostgres((database as TestDatabase).url),
    'postgresql',
  );
});
