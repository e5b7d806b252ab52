/**
 * What a field's name says it holds about a person. Suppliers rarely classify their fields, so the
 * personal-data rules also judge what a description shows: a lettings log with `sex1`, `ethnic` and
 * `postcode_full` holds personal data whether or not anyone wrote `x-data-classification` beside them.
 *
 * Names are matched after `normalisedName` (every casing to snake_case, `sex1` to `sex`), mostly by the
 * last words of the name, because English compounds end in what they are: `applicant_email` is an e-mail
 * address, `email_template` is a template. Terms that cannot mean anything but a person (`ethnicity`,
 * `illness`, `pregnant`) match anywhere in a name. A rule that cries wolf on every `name` or `address` is a
 * rule people switch off, so words that as often describe a site, a service or a building (`address`,
 * `postcode`, `name`, `health`, `disabled`) only count with a word that ties them to a person.
 */

export type PersonalKind =
  /** UK GDPR Article 9 data, and the protected characteristics that reveal it (sex, pregnancy, nationality). */
  | 'special-category'
  /** Identifies or describes a living person: names, contact details, date of birth, NI and NHS numbers. */
  | 'personal'
  /** Known only to its owner and never returned by an API: passwords, PINs, their hashes. */
  | 'secret'
  /** Issued by a server to a client: tokens, API keys, client secrets. A token endpoint returns them. */
  | 'issued-credential';

export interface PersonalMatch {
  readonly kind: PersonalKind;
  /** What the field holds, for messages: "ethnicity", "e-mail address". */
  readonly category: string;
}

interface Term extends PersonalMatch {
  readonly pattern: RegExp;
  /** Names the pattern matches that are about something else (`minimum_age` of a service). */
  readonly unless?: RegExp;
}

/** Words after a term that still leave the field about that term: `illness_type`, `ethnic_origin`. */
const QUALIFIERS =
  'type|types|status|code|codes|category|group|origin|identity|details|detail|description|value|other|known|flag|indicator|info|information|history|needs|self_described|prefer_not_to_say';

/** The term is the last word of the name, or followed only by qualifiers. */
const last = (terms: string, qualifiers = QUALIFIERS): RegExp =>
  new RegExp(`(^|_)(${terms})((_(${qualifiers}))*)$`);
/** The term ends the name exactly: no qualifier after it. */
const ending = (terms: string): RegExp => new RegExp(`(^|_)(${terms})$`);
/** The term anywhere in the name, as whole words. */
const anywhere = (terms: string): RegExp => new RegExp(`(^|_)(${terms})(_|$)`);

const term = (kind: PersonalKind, category: string, pattern: RegExp, unless?: RegExp): Term => ({
  kind,
  category,
  pattern,
  ...(unless ? { unless } : {}),
});

/** In the order they are tried: the first that matches names the field. */
const TERMS: readonly Term[] = [
  term(
    'secret',
    'password',
    last(
      'password|passwd|pwd|passphrase|encrypted_password|hashed_password|new_password|old_password|current_password|one_time_password',
      'hash|digest|salt|confirmation|plain|plaintext|encrypted',
    ),
  ),
  term('secret', 'PIN', /(^pin|(^|_)(pin_code|pin_number|security_pin|personal_pin|passcode|otp))$/),
  term(
    'issued-credential',
    'token or key',
    ending(
      'token|access_token|refresh_token|id_token|auth_token|bearer_token|jwt|session_token|session_id|api_key|apikey|client_secret|api_secret|shared_secret|secret|secret_key|private_key|signing_key|access_key',
    ),
  ),

  term('special-category', 'ethnicity', anywhere('ethnic|ethnicity|ethnicities|racial|racial_origin')),
  term('special-category', 'ethnicity', last('race')),
  term(
    'special-category',
    'health',
    anywhere(
      'illness|illnesses|ill_health|medical|mental_health|physical_health|health_condition|health_conditions|health_needs|health_problem|health_problems|diagnosis|diagnoses|medication|medications|impairment|impairments|long_term_condition|long_term_conditions',
    ),
    /(^|_)medical_(practice|centre|center|officer|service|services)(_|$)/,
  ),
  term('special-category', 'disability', last('disability|disabilities|disabled_person')),
  term(
    'special-category',
    'sex or gender',
    last('sex|gender|gender_identity|sex_at_birth|sex_registered_at_birth'),
  ),
  term('special-category', 'sex or gender', anywhere('transgender|gender_reassignment|trans_status')),
  term(
    'special-category',
    'sexual orientation',
    anywhere('sexual_orientation|sexuality|sexual_identity|orientation_sexual'),
  ),
  term(
    'special-category',
    'religion or belief',
    anywhere(
      'religion|religions|religious|religious_belief|religious_beliefs|philosophical_belief|philosophical_beliefs',
    ),
  ),
  term('special-category', 'religion or belief', last('belief|beliefs')),
  term('special-category', 'pregnancy or maternity', anywhere('preg|pregnancy|pregnant|pregnancies')),
  term('special-category', 'pregnancy or maternity', last('maternity')),
  term(
    'special-category',
    'nationality',
    anywhere('nationality|nationalities|citizenship|country_of_birth|place_of_birth|immigration_status'),
  ),
  term('special-category', 'nationality', last('national')),
  term('special-category', 'trade union membership', anywhere('trade_union|union_membership|union_member')),
  term(
    'special-category',
    'criminal record',
    anywhere(
      'criminal_record|criminal_records|criminal_conviction|criminal_convictions|criminal_offence|criminal_offences|criminal_history|conviction|convictions',
    ),
  ),
  term(
    'special-category',
    'biometric or genetic data',
    anywhere('biometric|biometrics|genetic|fingerprint|fingerprints'),
  ),
  term(
    'special-category',
    'political opinion',
    anywhere('political_opinion|political_opinions|political_view|political_views|political_affiliation'),
  ),

  term(
    'personal',
    'NI number',
    anywhere('ni_number|ni_no|nino|national_insurance|national_insurance_number'),
  ),
  term('personal', 'NHS number', anywhere('nhs_number|nhs_no|nhsno|nhs_num')),
  term(
    'personal',
    'name',
    ending(
      'given_name|given_names|family_name|first_name|firstname|fname|middle_name|middle_names|last_name|lastname|lname|forename|forenames|surname|full_name|fullname|maiden_name|previous_name|preferred_name|person_name|contact_name|applicant_name|agent_name|tenant_name|resident_name|customer_name|user_name|username',
    ),
  ),
  term(
    'personal',
    'date of birth',
    ending('date_of_birth|dateofbirth|dob|birth_date|birthdate|birthday|year_of_birth|birth_year'),
  ),
  term(
    'personal',
    'age',
    ending('age|age_years|age_in_years'),
    /(^|_)(min|max|minimum|maximum|lower|upper|target|eligible|eligibility|property|building|dwelling|asset|vehicle)_age/,
  ),
  term('personal', 'e-mail address', ending('email|e_mail|email_address|emailaddress')),
  term(
    'personal',
    'phone number',
    ending(
      'phone|phone_number|phone_no|telephone|telephone_number|tel|tel_no|mobile|mobile_number|mobile_phone|home_phone|work_phone|landline',
    ),
  ),
  term(
    'personal',
    'full postcode',
    /(^|_)([a-z]*postcode_full|full_postcode|(home|previous|resident|applicant|tenant|householder|correspondence)_postcode)$/,
  ),
  term(
    'personal',
    'address',
    /(^|_)(home|residential|correspondence|contact|postal|personal|previous|applicant|tenant|resident|user|customer|householder)_address(_lines?)?$/,
  ),
  term('personal', 'marital status', anywhere('marital_status|civil_partnership_status')),
  term('personal', 'online identifier', ending('ip_address|ip|device_id')),
  term(
    'personal',
    'official identifier',
    anywhere(
      'passport_number|passport_no|driving_licence_number|driving_licence|driver_licence|driver_license',
    ),
  ),
  term('personal', 'bank details', anywhere('sort_code|bank_account|bank_account_number|iban|card_number')),
];

/**
 * An acronym and the word after it (`HTTPServer`: `HTTP`, `Server`), tried only from the acronym's first
 * capital: tried from each, a long run of capitals in a supplier's name was rescanned from every one, quadratic.
 */
const CAPITALS_BEFORE_A_WORD = /(?<![A-Z])([A-Z]+)([A-Z][a-z])/g;

/** A camelCase or PascalCase name with `_` where its words meet (`HTTPServerName`: `HTTP_Server_Name`). */
export function wordBreaksMarked(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(CAPITALS_BEFORE_A_WORD, '$1_$2');
}

/**
 * A name as the vocabulary reads it: snake_case, with the numbering that tells household members or
 * repeated fields apart taken off (`sex1`, `illness_type_10`, `age_2` read as `sex`, `illness_type`, `age`).
 * The numbering is only tried from its first `_` (the lookbehind): tried from each, a long one in a
 * supplier's name was rescanned from every `_`, quadratic.
 */
export function normalisedName(name: string): string {
  return wordBreaksMarked(name)
    .toLowerCase()
    .replace(/([a-z])(\d+)/g, '$1_$2')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/(?<!_\d+)(_\d+)+$/, '');
}

/** What the field name says it holds about a person, if anything. */
export function personalFieldOf(name: string): PersonalMatch | undefined {
  const normalised = normalisedName(name);
  if (normalised === '') return undefined;
  const found = TERMS.find(
    ({ pattern, unless }) => pattern.test(normalised) && !(unless?.test(normalised) ?? false),
  );
  return found ? { kind: found.kind, category: found.category } : undefined;
}
