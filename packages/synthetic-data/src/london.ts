/**
 * The 33 London local authorities with their real ONS GSS codes, the three-letter codes of the
 * local-authority-eng register (used in org-id `GB-LAE-…` identifiers), a handful of their real postcode
 * districts, and an approximate centre. Fixtures use these so that synthetic data joins up with real
 * reference data the way a council data lead would expect.
 */
export interface LondonBorough {
  readonly name: string;
  readonly gss: string;
  readonly laeCode: string;
  readonly postcodeDistricts: readonly string[];
  /** [longitude, latitude] in WGS84. */
  readonly centre: readonly [number, number];
}

const b = (
  name: string,
  gss: string,
  laeCode: string,
  postcodeDistricts: string[],
  lon: number,
  lat: number,
): LondonBorough => ({ name, gss, laeCode, postcodeDistricts, centre: [lon, lat] });

export const LONDON_BOROUGHS: readonly LondonBorough[] = [
  b('City of London', 'E09000001', 'LND', ['EC1A', 'EC2V', 'EC3N', 'EC4M'], -0.0922, 51.5155),
  b('Barking and Dagenham', 'E09000002', 'BDG', ['IG11', 'RM8', 'RM9', 'RM10'], 0.1293, 51.5465),
  b('Barnet', 'E09000003', 'BNE', ['N3', 'N12', 'N20', 'NW4', 'NW7', 'EN5'], -0.2, 51.625),
  b('Bexley', 'E09000004', 'BEX', ['DA5', 'DA6', 'DA7', 'DA14', 'DA15'], 0.148, 51.455),
  b('Brent', 'E09000005', 'BEN', ['NW10', 'HA0', 'HA9', 'NW2'], -0.275, 51.559),
  b('Bromley', 'E09000006', 'BRY', ['BR1', 'BR2', 'BR3', 'BR6', 'SE20'], 0.039, 51.372),
  b('Camden', 'E09000007', 'CMD', ['NW1', 'NW3', 'NW5', 'WC1H'], -0.152, 51.543),
  b('Croydon', 'E09000008', 'CRY', ['CR0', 'CR2', 'CR7', 'SE25'], -0.087, 51.372),
  b('Ealing', 'E09000009', 'EAL', ['W5', 'W7', 'W13', 'UB1', 'UB6'], -0.335, 51.513),
  b('Enfield', 'E09000010', 'ENF', ['EN1', 'EN2', 'EN3', 'N9', 'N13'], -0.08, 51.65),
  b('Greenwich', 'E09000011', 'GRE', ['SE3', 'SE7', 'SE9', 'SE10', 'SE18'], 0.05, 51.469),
  b('Hackney', 'E09000012', 'HCK', ['E2', 'E5', 'E8', 'E9', 'N16'], -0.055, 51.55),
  b('Hammersmith and Fulham', 'E09000013', 'HMF', ['W6', 'W12', 'W14', 'SW6'], -0.222, 51.496),
  b('Haringey', 'E09000014', 'HRY', ['N4', 'N8', 'N15', 'N17', 'N22'], -0.106, 51.589),
  b('Harrow', 'E09000015', 'HRW', ['HA1', 'HA2', 'HA3', 'HA5'], -0.337, 51.596),
  b('Havering', 'E09000016', 'HAV', ['RM1', 'RM3', 'RM7', 'RM11', 'RM12'], 0.233, 51.557),
  b('Hillingdon', 'E09000017', 'HIL', ['UB3', 'UB8', 'UB10', 'HA4'], -0.444, 51.535),
  b('Hounslow', 'E09000018', 'HNS', ['TW3', 'TW4', 'TW5', 'TW7', 'W4'], -0.376, 51.468),
  b('Islington', 'E09000019', 'ISL', ['N1', 'N5', 'N7', 'N19', 'EC1V'], -0.11, 51.546),
  b('Kensington and Chelsea', 'E09000020', 'KEC', ['W8', 'W10', 'W11', 'SW3', 'SW5', 'SW7'], -0.19, 51.501),
  b('Kingston upon Thames', 'E09000021', 'KTT', ['KT1', 'KT2', 'KT3', 'KT6'], -0.284, 51.388),
  b('Lambeth', 'E09000022', 'LBH', ['SE11', 'SW2', 'SW4', 'SW9', 'SE27'], -0.117, 51.46),
  b('Lewisham', 'E09000023', 'LEW', ['SE4', 'SE6', 'SE8', 'SE13', 'SE14'], -0.018, 51.445),
  b('Merton', 'E09000024', 'MRT', ['SW19', 'SW20', 'CR4', 'SM4'], -0.19, 51.41),
  b('Newham', 'E09000025', 'NWM', ['E6', 'E7', 'E12', 'E13', 'E15', 'E16'], 0.035, 51.525),
  b('Redbridge', 'E09000026', 'RDB', ['IG1', 'IG2', 'IG4', 'IG5', 'E11', 'E18'], 0.075, 51.585),
  b('Richmond upon Thames', 'E09000027', 'RIC', ['TW1', 'TW2', 'TW9', 'TW10', 'SW14'], -0.3, 51.44),
  b('Southwark', 'E09000028', 'SWK', ['SE1', 'SE5', 'SE15', 'SE16', 'SE22'], -0.08, 51.47),
  b('Sutton', 'E09000029', 'STN', ['SM1', 'SM2', 'SM3', 'SM5'], -0.19, 51.36),
  b('Tower Hamlets', 'E09000030', 'TWH', ['E1', 'E3', 'E14', 'E1W'], -0.035, 51.515),
  b('Waltham Forest', 'E09000031', 'WFT', ['E4', 'E10', 'E17'], -0.015, 51.59),
  b('Wandsworth', 'E09000032', 'WND', ['SW11', 'SW12', 'SW15', 'SW17', 'SW18'], -0.19, 51.455),
  b('Westminster', 'E09000033', 'WSM', ['W1D', 'W1G', 'W2', 'SW1A', 'SW1P', 'NW8'], -0.15, 51.515),
];

export function boroughByGss(gss: string): LondonBorough {
  const found = LONDON_BOROUGHS.find((borough) => borough.gss === gss);
  if (!found) throw new RangeError(`${gss} is not the GSS code of a London local authority`);
  return found;
}
