import type { LondonBorough } from './london.ts';
import type { Rng } from './rng.ts';

/*
 * Value generators for fixtures. Personal-looking values come only from ranges reserved for fiction:
 * e-mail at example.org/example.com (RFC 2606), phone numbers from Ofcom's drama ranges, so no fixture can
 * ever reach or describe a real person.
 */

const GIVEN_NAMES = [
  'Amara',
  'Oliver',
  'Priya',
  'Kwame',
  'Siobhan',
  'Mohammed',
  'Chloe',
  'Tomasz',
  'Aisha',
  'Daniel',
  'Fatima',
  'George',
  'Nkechi',
  'Harry',
  'Yusuf',
  'Isla',
  'Kofi',
  'Grace',
  'Ravi',
  'Emily',
  'Zainab',
  'Jack',
  'Mei',
  'Samuel',
  'Leila',
  'Thomas',
  'Ayesha',
  'Noah',
  'Bukola',
  'Freya',
  'Arjun',
  'Sofia',
  'Dariusz',
  'Hannah',
  'Kemi',
  'Lucas',
  'Anjali',
  'Rhys',
  'Ewa',
  'Joseph',
  'Farah',
  'Callum',
  'Niamh',
  'Ibrahim',
  'Ruby',
  'Sean',
] as const;

const FAMILY_NAMES = [
  'Okafor',
  'Smith',
  'Patel',
  'Mensah',
  "O'Brien",
  'Khan',
  'Jones',
  'Nowak',
  'Begum',
  'Williams',
  'Ahmed',
  'Taylor',
  'Adeyemi',
  'Brown',
  'Hussain',
  'Wilson',
  'Owusu',
  'Davies',
  'Sharma',
  'Evans',
  'Ali',
  'Thomas',
  'Chen',
  'Roberts',
  'Rahman',
  'Johnson',
  'Kowalski',
  'Walker',
  'Osei',
  'Wright',
  'Singh',
  'Green',
  'Wiśniewska',
  'Hall',
  'Abubakar',
  'Clarke',
  'Murphy',
  'Kaur',
  'Lewis',
  'Santos',
  'Hughes',
  'Nguyen',
] as const;

const STREET_STEMS = [
  'Mare',
  'Dalston',
  'Amhurst',
  'Kingsland',
  'Albion',
  'Victoria',
  'Church',
  'Station',
  'Park',
  'Mill',
  'Queens',
  'Kings',
  'Manor',
  'Grove',
  'Elm',
  'Cedar',
  'Brook',
  'Holly',
  'Chestnut',
  'Windsor',
  'Clarence',
  'Cromwell',
  'Stanley',
  'Highbury',
  'Wellington',
  'Nelson',
  'Milton',
  'Shakespeare',
  'Lansdowne',
  'Ashford',
] as const;

const STREET_KINDS = [
  'Street',
  'Road',
  'Lane',
  'Avenue',
  'Grove',
  'Close',
  'Gardens',
  'Place',
  'Terrace',
  'Way',
];

const COMPANY_WORDS = [
  'Thames',
  'Northgate',
  'Civic',
  'Borough',
  'Meridian',
  'Riverside',
  'Capital',
  'Beacon',
  'Greenway',
  'Keystone',
  'Harbour',
  'Summit',
  'Lantern',
  'Oakwood',
  'Sterling',
  'Vantage',
  'Crescent',
  'Anchor',
] as const;

const COMPANY_KINDS = [
  'Services Ltd',
  'Facilities Ltd',
  'Property Care Ltd',
  'Building Services Ltd',
  'Software Ltd',
  'Consulting LLP',
  'Contractors Ltd',
  'Group plc',
  'Maintenance Ltd',
  'Digital Ltd',
] as const;

// Letters the Royal Mail never uses in the inward code of a postcode.
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

export interface PersonName {
  readonly given: string;
  readonly family: string;
}

export interface SyntheticAddress {
  uprn: string;
  usrn: string;
  lines: string[];
  town: string;
  postcode: string;
}

export function personName(rng: Rng): PersonName {
  return { given: rng.pick(GIVEN_NAMES), family: rng.pick(FAMILY_NAMES) };
}

export function fullName(name: PersonName): string {
  return `${name.given} ${name.family}`;
}

function asciiLocalPart(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

export function email(rng: Rng, name: PersonName): string {
  const domain = rng.pick(['example.org', 'example.com', 'example.net']);
  return `${asciiLocalPart(name.given)}.${asciiLocalPart(name.family)}${rng.int(1, 99)}@${domain}`;
}

/** A London landline from Ofcom's drama range 020 7946 0000–0999. */
export function landline(rng: Rng): string {
  return `020 7946 0${String(rng.int(0, 999)).padStart(3, '0')}`;
}

/** A mobile number from Ofcom's drama range 07700 900000–900999. */
export function mobile(rng: Rng): string {
  return `07700 900${String(rng.int(0, 999)).padStart(3, '0')}`;
}

/** A National Insurance number in the valid format (prefix letters HMRC allocates, suffix A–D). */
export function nationalInsuranceNumber(rng: Rng): string {
  const first = 'ABCEGHJKLMNPRSTWXYZ';
  const second = 'ABCEGHJKLMNPRSTWXYZ';
  const prefix = `${rng.pick([...first])}${rng.pick([...second])}`;
  if (['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'].includes(prefix)) return nationalInsuranceNumber(rng);
  return `${prefix}${String(rng.int(0, 999999)).padStart(6, '0')}${rng.pick(['A', 'B', 'C', 'D'])}`;
}

/** A UPRN shaped like those London authorities hold: 11 or 12 digits, no leading zero. */
export function uprn(rng: Rng): string {
  return rng.chance(0.6)
    ? `1000${String(rng.int(0, 99_999_999)).padStart(8, '0')}`
    : `10${String(rng.int(0, 999_999_999)).padStart(9, '0')}`;
}

/** A USRN shaped like London's: 8 digits starting with 2. */
export function usrn(rng: Rng): string {
  return `2${String(rng.int(0, 9_999_999)).padStart(7, '0')}`;
}

export function postcode(rng: Rng, borough: LondonBorough): string {
  const district = rng.pick(borough.postcodeDistricts);
  return `${district} ${rng.int(1, 9)}${rng.pick([...INWARD_LETTERS])}${rng.pick([...INWARD_LETTERS])}`;
}

export function streetName(rng: Rng): string {
  return `${rng.pick(STREET_STEMS)} ${rng.pick(STREET_KINDS)}`;
}

export function address(rng: Rng, borough: LondonBorough): SyntheticAddress {
  const lines = [`${rng.int(1, 240)} ${streetName(rng)}`];
  if (rng.chance(0.25)) lines.unshift(`Flat ${rng.int(1, 60)}`);
  return { uprn: uprn(rng), usrn: usrn(rng), lines, town: 'London', postcode: postcode(rng, borough) };
}

export function companyName(rng: Rng): string {
  return `${rng.pick(COMPANY_WORDS)} ${rng.pick(COMPANY_KINDS)}`;
}

/** England and Wales companies are eight digits; Scottish ones `SC` and six digits. */
export function companiesHouseNumber(rng: Rng): string {
  return rng.chance(0.9)
    ? String(rng.int(1_000_000, 15_999_999)).padStart(8, '0')
    : `SC${String(rng.int(100_000, 799_999))}`;
}

export function charityNumber(rng: Rng): string {
  return String(rng.int(1_000_000, 1_209_999));
}

/** A GeoJSON Point within roughly 2.5 km of the borough's centre, to six decimal places. */
export function geoPointNear(
  rng: Rng,
  borough: LondonBorough,
): { type: 'Point'; coordinates: [number, number] } {
  const [lon, lat] = borough.centre;
  const round = (value: number) => Math.round(value * 1e6) / 1e6;
  return {
    type: 'Point',
    coordinates: [round(lon + (rng.next() - 0.5) * 0.07), round(lat + (rng.next() - 0.5) * 0.045)],
  };
}

const DAY_MS = 86_400_000;

function toDate(iso: string): number {
  const time = Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(time)) throw new RangeError(`not an RFC 3339 date: ${iso}`);
  return time;
}

/** An RFC 3339 full-date between two dates, both inclusive. */
export function dateBetween(rng: Rng, from: string, to: string): string {
  const start = Math.floor(toDate(from) / DAY_MS);
  const end = Math.floor(toDate(to) / DAY_MS);
  return new Date(rng.int(start, end) * DAY_MS).toISOString().slice(0, 10);
}

/** An RFC 3339 date-time (UTC, whole seconds) between two instants. */
export function dateTimeBetween(rng: Rng, from: string, to: string): string {
  const start = Math.floor(toDate(from) / 1000);
  const end = Math.floor(toDate(to) / 1000);
  return new Date(rng.int(start, end) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Adds whole days to an RFC 3339 date or date-time, keeping its form. */
export function addDays(iso: string, days: number): string {
  const shifted = new Date(toDate(iso) + days * DAY_MS).toISOString();
  return iso.length === 10 ? shifted.slice(0, 10) : shifted.replace('.000Z', 'Z');
}

/** A baseline Money string (pounds, two decimal places) between two amounts of pounds. */
export function money(rng: Rng, minPounds: number, maxPounds: number): string {
  const pence = rng.int(Math.round(minPounds * 100), Math.round(maxPounds * 100));
  const sign = pence < 0 ? '-' : '';
  const abs = Math.abs(pence);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** `<prefix>-<n>` with n zero-padded to five digits: stable, sortable record ids. */
export function recordId(prefix: string, n: number): string {
  return `${prefix}-${String(n).padStart(5, '0')}`;
}

const WORDS = [
  'water',
  'leak',
  'kitchen',
  'ceiling',
  'door',
  'window',
  'stairwell',
  'light',
  'broken',
  'damp',
  'mould',
  'heating',
  'boiler',
  'outside',
  'near',
  'the',
  'entrance',
  'bin',
  'pavement',
  'cracked',
  'missing',
  'since',
  'last',
  'week',
  'again',
  'urgent',
  'children',
  'play',
  'area',
  'road',
  'junction',
  'loose',
  'cover',
] as const;

/** A lower-case sentence of plain words, capitalised and full-stopped. */
export function sentence(rng: Rng, minWords = 5, maxWords = 12): string {
  const words = Array.from({ length: rng.int(minWords, maxWords) }, () => rng.pick(WORDS));
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
