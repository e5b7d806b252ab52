import { readFile } from 'node:fs/promises';
import { CLAUSE_IDS, type ClauseId, isClauseId } from '@council-conform/clauses';
import {
  createSchemaValidator,
  DocumentError,
  type JsonObject,
  parseDocument,
} from '@council-conform/openapi';

export interface AttestationStatement {
  readonly clause: ClauseId;
  readonly statement: string;
  /** Where the evidence behind the statement can be read (an accessibility statement, an audit, a contract clause). */
  readonly evidence?: readonly string[];
}

export interface Attestation {
  readonly supplier: string;
  readonly product: string;
  readonly signedBy: { readonly name: string; readonly role: string };
  readonly date: string;
  readonly statements: readonly AttestationStatement[];
}

export const ATTESTATION_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Council Conform supplier attestation',
  description:
    'A supplier’s signed statements for the checklist clauses, or parts of clauses, that a machine cannot judge. A report shows these clauses as attested, never as passed by test.',
  type: 'object',
  additionalProperties: false,
  required: ['supplier', 'product', 'signedBy', 'date', 'statements'],
  properties: {
    supplier: { type: 'string', minLength: 1, description: 'The supplier’s legal name.' },
    product: { type: 'string', minLength: 1, description: 'The product and version attested.' },
    signedBy: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'role'],
      description: 'The person who signs for the supplier, and their role.',
      properties: {
        name: { type: 'string', minLength: 1, description: 'Their name.' },
        role: {
          type: 'string',
          minLength: 1,
          description: 'Their role, for example Chief Technology Officer.',
        },
      },
    },
    date: { type: 'string', format: 'date', description: 'When it was signed (YYYY-MM-DD).' },
    statements: {
      type: 'array',
      description: 'One statement per clause attested; a clause may appear once.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['clause', 'statement'],
        properties: {
          clause: { enum: [...CLAUSE_IDS], description: 'The clause, by id (see `conform clauses`).' },
          statement: {
            type: 'string',
            minLength: 20,
            description: 'What the supplier attests, in full sentences.',
          },
          evidence: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            description:
              'Where the evidence behind the statement can be read: an accessibility statement, an audit, a contract clause.',
          },
        },
      },
    },
  },
} as const;

export class AttestationError extends Error {
  override readonly name = 'AttestationError';
  readonly code = 'ATTESTATION_INVALID';
}

/** Reads and validates a supplier attestation (YAML or JSON). */
export async function readAttestation(path: string): Promise<Attestation> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AttestationError(`${path}: the attestation cannot be read: ${(error as Error).message}`);
  }
  let data: JsonObject;
  try {
    data = parseDocument(text, path).data;
  } catch (error) {
    throw new AttestationError(error instanceof DocumentError ? error.message : String(error));
  }
  const errors = createSchemaValidator({}, { patterns: 'trusted' }).validateWith(
    ATTESTATION_JSON_SCHEMA as unknown as JsonObject,
    data,
  );
  if (errors.length > 0) {
    throw new AttestationError(
      `${path}: not a valid attestation: ${errors.map((e) => e.message).join('; ')}`,
    );
  }
  const attestation = data as unknown as Attestation;
  const seen = new Set<string>();
  for (const statement of attestation.statements) {
    if (!isClauseId(statement.clause))
      throw new AttestationError(`${path}: unknown clause ${statement.clause}`);
    if (seen.has(statement.clause))
      throw new AttestationError(`${path}: clause ${statement.clause} is attested twice`);
    seen.add(statement.clause);
  }
  return attestation;
}
