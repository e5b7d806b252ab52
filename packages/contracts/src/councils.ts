import { LONDON_BOROUGHS } from '@council-conform/synthetic-data';

/** A council as the dashboard names it: its ONS GSS code (E09000007) and its name (Camden). */
export interface Council {
  readonly code: string;
  readonly name: string;
}

/**
 * The councils whose registers can be imported: the 33 London local authorities, LOTI's members and
 * neighbours. Their GSS codes are public identifiers, kept once in @council-conform/synthetic-data.
 */
export const LONDON_COUNCILS: readonly Council[] = LONDON_BOROUGHS.map((borough) => ({
  code: borough.gss,
  name: borough.name,
}));

export const GSS_CODE_PATTERN = /^[EWSN]\d{8}$/;

export function councilOf(code: string): Council | undefined {
  return LONDON_COUNCILS.find((council) => council.code === code.trim().toUpperCase());
}

/** The council a GSS code names, or a message saying why the code is not one this knows. */
export function describeUnknownCouncil(code: string): string {
  return GSS_CODE_PATTERN.test(code.trim().toUpperCase())
    ? `${code} is not the GSS code of a London local authority (E09000001 to E09000033)`
    : `"${code}" is not a GSS code: give the council's nine-character ONS code, such as E09000007 for Camden`;
}
