import { ConfigError, loadConfig, loadConfigs } from '../../config/config';
import {
  customIdentifierProblems,
  HEALTH_DATA_IDENTIFIERS,
  managedIdentifierArn,
  MANAGED_DATA_IDENTIFIERS,
  parseMaskPatterns,
} from '../../config/log-masking';

const MRN = 'MedicalRecordNumber=MRN[-: ]?\\d{8}';

describe('parseMaskPatterns (LOG_MASK_PATTERNS)', () => {
  test('reads name=regex pairs separated by ";", trimming spaces and a trailing ";"', () => {
    expect(parseMaskPatterns(` ${MRN} ; PatientId = PID-[0-9]{6} ;`)).toEqual({
      identifiers: [
        { name: 'MedicalRecordNumber', regex: 'MRN[-: ]?\\d{8}' },
        { name: 'PatientId', regex: 'PID-[0-9]{6}' },
      ],
      problems: [],
    });
  });

  test('a regex may contain "=": the first one ends the name', () => {
    expect(parseMaskPatterns('Token=key=[a-z]+').identifiers).toEqual([
      { name: 'Token', regex: 'key=[a-z]+' },
    ]);
  });

  test('an entry without "=" is named by its position', () => {
    expect(parseMaskPatterns(`${MRN};justaname`).problems).toEqual([
      'entry 2 "justaname" is not name=regex (entries are separated by ";")',
    ]);
  });

  test('takes exactly 10 identifiers and refuses 11', () => {
    const entries = (n: number) =>
      Array.from({ length: n }, (_, i) => `Id${i}=X${i}-\\d+`).join(';');
    expect(parseMaskPatterns(entries(10)).problems).toEqual([]);
    expect(parseMaskPatterns(entries(11)).problems).toEqual([
      '11 custom identifiers; a data protection policy takes at most 10',
    ]);
  });
});

describe('customIdentifierProblems: one message per bad identifier', () => {
  test('names: 128 characters of A-Za-z0-9_- pass, 129 and other characters do not', () => {
    const ok = 'N'.repeat(128);
    expect(customIdentifierProblems([{ name: ok, regex: 'a' }])).toEqual([]);
    expect(customIdentifierProblems([{ name: 'a-b_C9', regex: 'a' }])).toEqual([]);
    const long = 'N'.repeat(129);
    expect(customIdentifierProblems([{ name: long, regex: 'a' }])).toEqual([
      `"${long}": the name must be 1 to 128 letters, digits, "_" or "-"`,
    ]);
    expect(customIdentifierProblems([{ name: 'has space', regex: 'a' }])).toEqual([
      '"has space": the name must be 1 to 128 letters, digits, "_" or "-"',
    ]);
    expect(customIdentifierProblems([{ name: '', regex: 'a' }])).toEqual([
      '"": the name must be 1 to 128 letters, digits, "_" or "-"',
    ]);
  });

  test.each(['EmailAddress', 'emailaddress', 'PhoneNumber', 'NhsNumber-GB', 'IpAddress'])(
    'refuses the AWS-managed name %p (case-insensitive, with or without the country)',
    (name) => {
      expect(customIdentifierProblems([{ name, regex: 'a' }])).toEqual([
        `"${name}": the name is taken by an AWS-managed data identifier (choose another, e.g. My${name})`,
      ]);
    },
  );

  test('regexes: 200 characters pass, 201 do not; empty and uncompilable are refused', () => {
    expect(customIdentifierProblems([{ name: 'A', regex: 'a'.repeat(200) }])).toEqual([]);
    expect(customIdentifierProblems([{ name: 'A', regex: 'a'.repeat(201) }])).toEqual([
      '"A": the regex has 201 characters, at most 200',
    ]);
    expect(customIdentifierProblems([{ name: 'A', regex: '' }])).toEqual([
      '"A": the regex is empty',
    ]);
    expect(customIdentifierProblems([{ name: 'A', regex: 'MRN(\\d+' }])).toEqual([
      expect.stringMatching(/^"A": the regex does not compile \(.+\)$/),
    ]);
  });

  test('several problems of one identifier make one message; a repeated name is refused', () => {
    expect(
      customIdentifierProblems([
        { name: 'bad name', regex: '(' },
        { name: 'Mrn', regex: 'a' },
        { name: 'Mrn', regex: 'b' },
      ]),
    ).toEqual([
      expect.stringMatching(
        /^"bad name": the name must be 1 to 128 letters, digits, "_" or "-"; the regex does not compile/,
      ),
      '"Mrn": the name is given twice',
    ]);
  });
});

describe('managed identifiers', () => {
  test('the health list is the one AWS documents as PHI', () => {
    expect([...HEALTH_DATA_IDENTIFIERS].sort()).toEqual(
      [
        'DrugEnforcementAgencyNumber-US',
        'HealthcareProcedureCode-US',
        'HealthInsuranceCardNumber-EU',
        'HealthInsuranceClaimNumber-US',
        'HealthInsuranceNumber-FR',
        'MedicareBeneficiaryNumber-US',
        'NationalDrugCode-US',
        'NationalInsuranceNumber-GB',
        'NationalProviderId-US',
        'NhsNumber-GB',
        'PersonalHealthNumber-CA',
      ].sort(),
    );
  });

  test('every identifier is listed once and has the documented ARN form', () => {
    expect(new Set(MANAGED_DATA_IDENTIFIERS).size).toBe(MANAGED_DATA_IDENTIFIERS.length);
    expect(managedIdentifierArn('Ssn-US')).toBe(
      'arn:aws:dataprotection::aws:data-identifier/Ssn-US',
    );
    for (const name of [
      'EmailAddress',
      'DateOfBirth',
      'Ssn-US',
      'PhoneNumber-US',
      'DriversLicense-US',
    ])
      expect(MANAGED_DATA_IDENTIFIERS).toContain(name);
    // Client IPs stay visible in the edge logs (incident response).
    expect(MANAGED_DATA_IDENTIFIERS).not.toContain('IpAddress');
  });
});

describe('LOG_MASK_PATTERNS in the configuration', () => {
  test('none by default', () => {
    expect(loadConfig({ env: {} }).logMasking).toEqual({ customIdentifiers: [] });
  });

  test('from the variable or the context key logMaskPatterns', () => {
    expect(loadConfig({ env: { LOG_MASK_PATTERNS: MRN } }).logMasking.customIdentifiers).toEqual([
      { name: 'MedicalRecordNumber', regex: 'MRN[-: ]?\\d{8}' },
    ]);
    expect(
      loadConfig({ env: {}, context: (k) => (k === 'logMaskPatterns' ? MRN : undefined) })
        .logMasking.customIdentifiers,
    ).toEqual([{ name: 'MedicalRecordNumber', regex: 'MRN[-: ]?\\d{8}' }]);
  });

  test('stops synth with one problem per bad entry, naming the variable', () => {
    let error: unknown;
    try {
      loadConfigs({ env: { LOG_MASK_PATTERNS: 'EmailAddress=x;Ok=[0-9]+;Broken=(' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      {
        setting: 'LOG_MASK_PATTERNS',
        value: 'EmailAddress=x;Ok=[0-9]+;Broken=(',
        rule: '"EmailAddress": the name is taken by an AWS-managed data identifier (choose another, e.g. MyEmailAddress)',
      },
      {
        setting: 'LOG_MASK_PATTERNS',
        value: 'EmailAddress=x;Ok=[0-9]+;Broken=(',
        rule: expect.stringMatching(/^"Broken": the regex does not compile/),
      },
    ]);
  });
});
