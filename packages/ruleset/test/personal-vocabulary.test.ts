import { describe, expect, it } from 'vitest';
import { carriesOnlyBooleans, looksPersonal, snakeName } from '../src/model.ts';
import { normalisedName, personalFieldOf } from '../src/personalVocabulary.ts';

describe('normalisedName', () => {
  it.each([
    ['sex1', 'sex'],
    ['age_2', 'age'],
    ['illness_type_10', 'illness_type'],
    ['dateOfBirth', 'date_of_birth'],
    ['DateOfBirth', 'date_of_birth'],
    ['date-of-birth', 'date_of_birth'],
    ['NHSNumber', 'nhs_number'],
    ['e-mail', 'e_mail'],
    ['postcode_full', 'postcode_full'],
    ['other_tenancy-type', 'other_tenancy_type'],
    ['HTTPServerAddress', 'http_server_address'],
    ['tenant_name_1_2', 'tenant_name'],
    ['x12_3', 'x'],
  ])('%s reads as %s', (name, expected) => {
    expect(normalisedName(name)).toBe(expected);
  });

  it('splits an acronym from the word after it, in snakeName too', () => {
    expect(snakeName('HTTPServerAddress')).toBe('http_server_address');
  });

  // A run of capitals, or a numbering, was tried from each of its characters, rescanning the rest of the run
  // from every one: 40 KB took 1 to 2.4 s, a megabyte many minutes, on a name the supplier chose.
  it.for([
    ['capitals', 'A'.repeat(1_000_000), 'a'.repeat(1_000_000)],
    ['numbering with a letter after it', `sex${'_1'.repeat(500_000)}x`, `sex${'_1'.repeat(500_000)}x`],
  ] as const)('reads a megabyte of %s without backtracking on it', ([, name, expected], { expect }) => {
    expect(normalisedName(name)).toBe(expected);
    expect(normalisedName(`${name}Name_2`)).toBe(`${expected}_name`);
    expect(personalFieldOf(name)).toBeUndefined();
    expect(snakeName(name)).toBe(expected);
  });
});

describe('personalFieldOf: special-category data', () => {
  it.each([
    // The MHCLG lettings log: numbered household members and abbreviations.
    ['ethnic', 'ethnicity'],
    ['ethnicity', 'ethnicity'],
    ['ethnicOrigin', 'ethnicity'],
    ['ethnic_group_other', 'ethnicity'],
    ['illness', 'health'],
    ['illness_type_3', 'health'],
    ['medicalConditions', 'health'],
    ['mental-health-needs', 'health'],
    ['disability', 'disability'],
    ['disability_details', 'disability'],
    ['sex1', 'sex or gender'],
    ['sex8', 'sex or gender'],
    ['Gender', 'sex or gender'],
    ['gender_identity', 'sex or gender'],
    ['religion', 'religion or belief'],
    ['religiousBelief', 'religion or belief'],
    ['sexual_orientation', 'sexual orientation'],
    ['sexualOrientation', 'sexual orientation'],
    ['preg_occ', 'pregnancy or maternity'],
    ['isPregnant', 'pregnancy or maternity'],
    ['national', 'nationality'],
    ['nationality', 'nationality'],
    ['country-of-birth', 'nationality'],
    ['trade_union_membership', 'trade union membership'],
    ['criminalConvictions', 'criminal record'],
  ])('%s is %s', (name, category) => {
    expect(personalFieldOf(name)).toEqual({ kind: 'special-category', category });
  });
});

describe('personalFieldOf: direct identifiers and personal data', () => {
  it.each([
    ['first_name', 'name'],
    ['agent_first_name', 'name'],
    ['applicantLastName', 'name'],
    ['Surname', 'name'],
    ['forenames', 'name'],
    ['date_of_birth', 'date of birth'],
    ['DOB', 'date of birth'],
    ['birthDate', 'date of birth'],
    ['age1', 'age'],
    ['age', 'age'],
    ['ni_number', 'NI number'],
    ['nationalInsuranceNumber', 'NI number'],
    ['NINO', 'NI number'],
    ['nhs_number', 'NHS number'],
    ['NHSNumber', 'NHS number'],
    ['email', 'e-mail address'],
    ['applicant_email', 'e-mail address'],
    ['EmailAddress', 'e-mail address'],
    ['e-mail', 'e-mail address'],
    ['phone', 'phone number'],
    ['mobileNumber', 'phone number'],
    ['telephone_number', 'phone number'],
    ['postcode_full', 'full postcode'],
    ['ppostcode_full', 'full postcode'],
    ['homePostcode', 'full postcode'],
    ['home_address', 'address'],
    ['correspondenceAddress', 'address'],
    ['marital_status', 'marital status'],
    ['ip_address', 'online identifier'],
  ])('%s is %s', (name, category) => {
    expect(personalFieldOf(name)).toEqual({ kind: 'personal', category });
  });
});

describe('personalFieldOf: credentials', () => {
  it.each([
    ['password', 'secret', 'password'],
    ['Password', 'secret', 'password'],
    ['password_hash', 'secret', 'password'],
    ['encryptedPassword', 'secret', 'password'],
    ['pwd', 'secret', 'password'],
    ['pin', 'secret', 'PIN'],
    ['pin_code', 'secret', 'PIN'],
    ['access_token', 'issued-credential', 'token or key'],
    ['refreshToken', 'issued-credential', 'token or key'],
    ['jwt', 'issued-credential', 'token or key'],
    ['client_secret', 'issued-credential', 'token or key'],
    ['api-key', 'issued-credential', 'token or key'],
    ['secret', 'issued-credential', 'token or key'],
  ])('%s is a %s (%s)', (name, kind, category) => {
    expect(personalFieldOf(name)).toEqual({ kind, category });
  });
});

describe('personalFieldOf: names that are not about a person', () => {
  it.each([
    // Sites, services and buildings.
    'name',
    'address',
    'site_address',
    'postcode',
    'postcod2',
    'venue_postcode',
    'service_name',
    'organisation_name',
    'disability_access',
    'wheelchair_accessible',
    'gender_neutral_toilets',
    'minimum_age',
    'max_age',
    'property_age',
    'national_park',
    'international',
    'medical_practice',
    'health',
    'healthcheck',
    // Records and housekeeping.
    'id',
    'tenant_code',
    'tenancy_code',
    'email_template',
    'email_verified_at',
    'phone_type',
    'password_expires_at',
    'map_pin',
    'page',
    'storage',
    'average',
    'message',
    'usage',
    'sexton',
    'essex_reference',
    'token_type',
    'expires_in',
    'hotel',
    'zip',
    'type',
  ])('%s is nothing personal', (name) => {
    expect(personalFieldOf(name)).toBeUndefined();
  });
});

describe('carriesOnlyBooleans', () => {
  it.each([
    ['type: boolean', { type: 'boolean' }, undefined],
    ['type: [boolean, null]', { type: ['boolean', 'null'] }, undefined],
    ["an enum of 'true' and 'false' with no type", { enum: ['true', 'false'], default: 'true' }, undefined],
    ['string examples of true and false', { type: 'string', examples: ['true', 'false'] }, undefined],
    ["a parameter's example", { type: 'string' }, { example: 'false' }],
    ["a parameter's examples map", {}, { examples: { yes: { value: 'true' }, no: { value: 'false' } } }],
    ['a description saying true or false', { description: 'Send an email: true or false.' }, undefined],
    ['a description saying boolean', {}, { description: 'Boolean: whether to send an email.' }],
  ])('%s carries only booleans', (_label, schema, holder) => {
    expect(carriesOnlyBooleans(schema, holder)).toBe(true);
  });

  it.each([
    ['a string', { type: 'string' }, undefined],
    ['an e-mail format', { type: 'string', format: 'email' }, undefined],
    ['an enum with other values', { enum: ['true', 'false', 'sometimes'] }, undefined],
    ['an example address', { type: 'string', example: 'someone@example.com' }, undefined],
    [
      'an integer described with true and false',
      { type: 'integer', description: 'true or false' },
      undefined,
    ],
    ['no schema', undefined, undefined],
  ])('%s does not', (_label, schema, holder) => {
    expect(carriesOnlyBooleans(schema, holder)).toBe(false);
  });
});

describe('looksPersonal', () => {
  it('takes a contact-details flag for a flag, however the booleans are written', () => {
    expect(looksPersonal('send_email', { type: 'boolean' })).toBe(false);
    expect(looksPersonal('send_email', { enum: ['true', 'false'] })).toBe(false);
    expect(looksPersonal('email', { type: 'string' })).toBe(true);
  });

  it('keeps a flag about health or pregnancy as special-category data', () => {
    expect(looksPersonal('pregnant', { type: 'boolean' })).toBe(true);
    expect(looksPersonal('has_disability', { type: 'boolean' })).toBe(true);
  });

  it('does not take a credential for personal data to classify', () => {
    expect(looksPersonal('password', { type: 'string' })).toBe(false);
  });
});
