import { CloudwatchLogDataProtectionPolicy } from '@cdktf/provider-aws/lib/cloudwatch-log-data-protection-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { TerraformOutput, Testing, Token } from 'cdktf';
import {
  dataProtectionPolicyDocument,
  LogDataProtection,
  MAX_POLICY_CHARACTERS,
  type LogDataProtectionProps,
} from '../../constructs/logging/data-protection';

const SCOPE = { accountId: '111122223333', partition: 'aws', region: 'eu-west-1' };
const baseProps: LogDataProtectionProps = {
  policyName: 'healthcare-test-phi-masking',
  unmaskRoleName: 'healthcare-log-unmask-test',
  scope: SCOPE,
  logGroups: [
    { label: 'database-postgresql', name: '/aws/rds/instance/healthcare-db-test/postgresql' },
    { label: 'readiness', name: '/aws/lambda/healthcare-readiness-test' },
  ],
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function synth(overrides: Partial<LogDataProtectionProps> = {}): Json {
  return JSON.parse(
    Testing.synthScope((scope) => {
      const dp = new LogDataProtection(scope, 'ldp', { ...baseProps, ...overrides });
      new TerraformOutput(scope, 'role_arn', { value: dp.unmaskRoleArn });
      new TerraformOutput(scope, 'role_name', { value: dp.unmaskRoleName });
    }),
  );
}
const ARN = (id: string) => `arn:aws:dataprotection::aws:data-identifier/${id}`;

describe('dataProtectionPolicyDocument', () => {
  test('one Audit and one Deidentify statement over the same identifiers, format 2021-06-01', () => {
    const doc = JSON.parse(
      dataProtectionPolicyDocument({
        name: 'p',
        managed: ['EmailAddress', 'NhsNumber-GB'],
        custom: [{ name: 'MedicalRecordNumber', regex: 'MRN-\\d{8}' }],
      }),
    );
    const identifiers = [ARN('EmailAddress'), ARN('NhsNumber-GB'), 'MedicalRecordNumber'];
    expect(doc).toEqual({
      Name: 'p',
      Description:
        'Audits and masks PHI and personal identifiers at ingestion; logs:Unmask only for the unmask role',
      Version: '2021-06-01',
      Configuration: {
        CustomDataIdentifier: [{ Name: 'MedicalRecordNumber', Regex: 'MRN-\\d{8}' }],
      },
      Statement: [
        {
          Sid: 'audit',
          DataIdentifier: identifiers,
          Operation: { Audit: { FindingsDestination: {} } },
        },
        { Sid: 'mask', DataIdentifier: identifiers, Operation: { Deidentify: { MaskConfig: {} } } },
      ],
    });
  });

  test('no Configuration block without custom identifiers', () => {
    const doc = JSON.parse(
      dataProtectionPolicyDocument({ name: 'p', managed: ['Ssn-US'], custom: [] }),
    );
    expect(doc).not.toHaveProperty('Configuration');
    expect(doc.Statement[1].DataIdentifier).toEqual([ARN('Ssn-US')]);
  });
});

describe('LogDataProtection', () => {
  test('minimal props: every log group gets the policy with the managed PHI and personal identifiers', () => {
    const json = synth();
    const policies = Object.values(
      json.resource.aws_cloudwatch_log_data_protection_policy,
    ) as Json[];
    expect(policies.map((p) => p.log_group_name)).toEqual([
      '/aws/rds/instance/healthcare-db-test/postgresql',
      '/aws/lambda/healthcare-readiness-test',
    ]);
    for (const policy of policies) {
      const doc = JSON.parse(policy.policy_document);
      expect(doc.Name).toBe('healthcare-test-phi-masking');
      expect(doc.Statement[0].DataIdentifier).toEqual(doc.Statement[1].DataIdentifier);
      expect(doc.Statement[0].DataIdentifier).toEqual(
        expect.arrayContaining([
          ARN('HealthInsuranceClaimNumber-US'),
          ARN('MedicareBeneficiaryNumber-US'),
          ARN('NationalProviderId-US'),
          ARN('NationalDrugCode-US'),
          ARN('HealthInsuranceCardNumber-EU'),
          ARN('NhsNumber-GB'),
          ARN('EmailAddress'),
          ARN('DateOfBirth'),
          ARN('Ssn-US'),
          ARN('PhoneNumber-US'),
          ARN('DriversLicense-US'),
        ]),
      );
    }
  });

  test('the policy resources are named by label (stable addresses)', () => {
    expect(Object.keys(synth().resource.aws_cloudwatch_log_data_protection_policy)).toEqual([
      expect.stringMatching(/^ldp_policy-database-postgresql_\w+$/),
      expect.stringMatching(/^ldp_policy-readiness_\w+$/),
    ]);
  });

  test('custom identifiers are configured and audited and masked with the managed ones', () => {
    const json = synth({
      customIdentifiers: [{ name: 'MedicalRecordNumber', regex: 'MRN[-: ]?\\d{8}' }],
      managedIdentifiers: ['EmailAddress'],
    });
    const doc = JSON.parse(
      (Object.values(json.resource.aws_cloudwatch_log_data_protection_policy)[0] as Json)
        .policy_document,
    );
    expect(doc.Configuration).toEqual({
      CustomDataIdentifier: [{ Name: 'MedicalRecordNumber', Regex: 'MRN[-: ]?\\d{8}' }],
    });
    expect(doc.Statement[1].DataIdentifier).toEqual([ARN('EmailAddress'), 'MedicalRecordNumber']);
  });

  test('the unmask role: assumable by the account only with MFA, one hour sessions', () => {
    const json = synth();
    const role = Object.values(json.resource.aws_iam_role)[0] as Json;
    expect(role.name).toBe('healthcare-log-unmask-test');
    expect(role.max_session_duration).toBe(3600);
    expect(JSON.parse(role.assume_role_policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AccountPrincipalsWithMfa',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: 'sts:AssumeRole',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
      ],
    });
    expect(json.output.role_arn.value).toMatch(/^\$\{aws_iam_role\.ldp_unmask-role_\w+\.arn\}$/);
    expect(json.output.role_name.value).toMatch(/^\$\{aws_iam_role\.ldp_unmask-role_\w+\.name\}$/);
  });

  test('the unmask role may unmask and read exactly the protected log groups', () => {
    const json = synth();
    const policy = Object.values(json.resource.aws_iam_role_policy)[0] as Json;
    expect(policy.role).toMatch(/^\$\{aws_iam_role\.ldp_unmask-role_\w+\.id\}$/);
    const g = (name: string) => `arn:aws:logs:eu-west-1:111122223333:log-group:${name}`;
    expect(JSON.parse(policy.policy).Statement).toEqual([
      {
        Sid: 'ReadAndUnmaskProtectedLogGroups',
        Effect: 'Allow',
        Action: [
          'logs:Unmask',
          'logs:GetLogEvents',
          'logs:FilterLogEvents',
          'logs:StartQuery',
          'logs:DescribeLogStreams',
          'logs:GetLogGroupFields',
        ],
        Resource: [
          g('/aws/rds/instance/healthcare-db-test/postgresql'),
          `${g('/aws/rds/instance/healthcare-db-test/postgresql')}:*`,
          g('/aws/lambda/healthcare-readiness-test'),
          `${g('/aws/lambda/healthcare-readiness-test')}:*`,
        ],
      },
      {
        Sid: 'RunLogsInsightsQueries',
        Effect: 'Allow',
        Action: [
          'logs:GetQueryResults',
          'logs:StopQuery',
          'logs:DescribeQueries',
          'logs:DescribeLogGroups',
        ],
        Resource: '*',
      },
    ]);
  });

  test('unmaskSessionSeconds: 43200 is accepted', () => {
    const role = Object.values(
      synth({ unmaskSessionSeconds: 43200 }).resource.aws_iam_role,
    )[0] as Json;
    expect(role.max_session_duration).toBe(43200);
  });

  test('a session length that is still a token is not validated', () => {
    expect(() => synth({ unmaskSessionSeconds: Token.asNumber('${var.session}') })).not.toThrow();
  });

  test('the resources are the documented types', () => {
    const text = Testing.synthScope((scope) => new LogDataProtection(scope, 'ldp', baseProps));
    expect(text).toHaveResourceWithProperties(CloudwatchLogDataProtectionPolicy, {
      log_group_name: '/aws/lambda/healthcare-readiness-test',
    });
    expect(text).toHaveResourceWithProperties(IamRole, { name: 'healthcare-log-unmask-test' });
  });

  describe('throws when', () => {
    test('no log group is given', () => {
      expect(() => synth({ logGroups: [] })).toThrow(
        'logGroups is empty: name at least one log group to protect',
      );
    });

    test('a label is used twice', () => {
      expect(() =>
        synth({
          logGroups: [
            { label: 'a', name: 'x' },
            { label: 'a', name: 'y' },
          ],
        }),
      ).toThrow('logGroups labels a are used twice; each names one policy resource');
    });

    test('there is no identifier at all', () => {
      expect(() => synth({ managedIdentifiers: [] })).toThrow(
        'no data identifiers: a policy must audit and mask at least one',
      );
    });

    test.each([3599, 43201, 3600.5])('unmaskSessionSeconds is %p', (unmaskSessionSeconds) => {
      expect(() => synth({ unmaskSessionSeconds })).toThrow(
        `unmaskSessionSeconds = ${unmaskSessionSeconds}: IAM role sessions last a whole number of seconds from 3600 to 43200`,
      );
    });

    test('the document would exceed the CloudWatch Logs limit', () => {
      const managed = Array.from({ length: 500 }, (_, i) => `Identifier${i}-US`);
      const size = dataProtectionPolicyDocument({
        name: baseProps.policyName,
        managed,
        custom: [],
      }).length;
      expect(size).toBeGreaterThan(MAX_POLICY_CHARACTERS);
      expect(() => synth({ managedIdentifiers: managed })).toThrow(
        `the policy document has ${size} characters; CloudWatch Logs takes at most 30720 (use fewer or shorter identifiers)`,
      );
    });

    test('a custom identifier breaks a rule, with every problem in one message', () => {
      expect(() =>
        synth({
          logGroups: [],
          customIdentifiers: [{ name: 'EmailAddress', regex: 'x' }],
        }),
      ).toThrow(
        'LogDataProtection "healthcare-test-phi-masking" is invalid:\n  - logGroups is empty: name at least one log group to protect\n  - customIdentifiers "EmailAddress": the name is taken by an AWS-managed data identifier (choose another, e.g. MyEmailAddress)',
      );
    });
  });
});
