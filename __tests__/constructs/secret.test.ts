import { DataAwsSecretsmanagerRandomPassword } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-random-password';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { TerraformOutput, Testing, Token } from 'cdktf';
import type { EncryptionKey } from '../../constructs/encryption/encryption-key';
import { Secret, SecretProps } from '../../constructs/secrets/secret';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/abc';
const dataKey = {
  keyArn: KEY_ARN,
  keyId: 'abc',
  aliasName: 'alias/healthcare-data-test',
  accountId: '111122223333',
  partition: 'aws',
} as unknown as EncryptionKey;

const baseProps: SecretProps = {
  name: 'healthcare/test/redis-auth',
  description: 'Redis AUTH token',
  encryptionKey: dataKey,
};

interface Synthesized {
  readonly output: Record<string, { value: string }>;
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
}

function synth(props: Partial<SecretProps> = {}): {
  json: string;
  parsed: Synthesized;
  secret?: Secret;
} {
  let secret: Secret | undefined;
  const json = Testing.synthScope((scope) => {
    secret = new Secret(scope, 'secret', { ...baseProps, ...props });
    new TerraformOutput(scope, 'arn', { value: secret.secretArn });
    new TerraformOutput(scope, 'name', { value: secret.secretName });
  });
  return { json, parsed: JSON.parse(json) as Synthesized, secret };
}

describe('Secret', () => {
  test('minimal props: encrypted with the key, 30-day recovery, no value written', () => {
    // Given / When
    const { json, parsed, secret } = synth();

    // Then
    expect(json).toHaveResourceWithProperties(SecretsmanagerSecret, {
      name: 'healthcare/test/redis-auth',
      description: 'Redis AUTH token',
      kms_key_id: KEY_ARN,
      recovery_window_in_days: 30,
      lifecycle: { prevent_destroy: false },
    });
    expect(parsed.resource.aws_secretsmanager_secret_version).toBeUndefined();
    expect(parsed.data).toBeUndefined();
    expect(secret!.secretValue).toBeUndefined();
    expect(parsed.output.arn.value).toMatch(/^\$\{aws_secretsmanager_secret\.secret_\w+\.arn\}$/);
    expect(parsed.output.name.value).toMatch(/^\$\{aws_secretsmanager_secret\.secret_\w+\.name\}$/);
  });

  test('full props: generated value from GetRandomPassword, stored once, protected', () => {
    // Given / When
    const { json, parsed, secret } = synth({
      recoveryWindowDays: 7,
      generatedPassword: { length: 64, excludePunctuation: true },
      preventDestroy: true,
    });

    // Then
    expect(json).toHaveResourceWithProperties(SecretsmanagerSecret, {
      kms_key_id: KEY_ARN,
      recovery_window_in_days: 7,
      lifecycle: { prevent_destroy: true },
    });
    expect(json).toHaveDataSourceWithProperties(DataAwsSecretsmanagerRandomPassword, {
      password_length: 64,
      exclude_punctuation: true,
    });
    expect(json).toHaveResourceWithProperties(SecretsmanagerSecretVersion, {
      lifecycle: { ignore_changes: ['secret_string'] },
    });
    const [version] = Object.values(parsed.resource.aws_secretsmanager_secret_version);
    expect(version.secret_string).toMatch(
      /^\$\{data\.aws_secretsmanager_random_password\.[\w-]+\.random_password\}$/,
    );
    expect(version.secret_id).toMatch(/^\$\{aws_secretsmanager_secret\.[\w-]+\.id\}$/);
    // The exposed value is the stored one (state), never a literal.
    expect(Token.isUnresolved(secret!.secretValue)).toBe(true);
  });

  test('generated password keeps punctuation unless excluded', () => {
    const { json } = synth({ generatedPassword: { length: 32 } });
    expect(json).toHaveDataSourceWithProperties(DataAwsSecretsmanagerRandomPassword, {
      password_length: 32,
      exclude_punctuation: false,
    });
  });

  test('values that are still tokens are not validated', () => {
    expect(() =>
      synth({
        recoveryWindowDays: Token.asNumber('${var.window}'),
        generatedPassword: { length: Token.asNumber('${var.length}') },
      }),
    ).not.toThrow();
  });

  test.each([6, 31, 7.5])('throws when recoveryWindowDays is %p', (days) => {
    expect(() => synth({ recoveryWindowDays: days })).toThrow(
      `Secret "healthcare/test/redis-auth" is invalid:\n  - recoveryWindowDays = ${days}: Secrets Manager accepts a whole number of days from 7 to 30`,
    );
  });

  test.each([0, 4097])('throws when generatedPassword.length is %p', (length) => {
    expect(() => synth({ generatedPassword: { length } })).toThrow(
      `generatedPassword.length = ${length}: GetRandomPassword accepts a whole number from 1 to 4096`,
    );
  });

  test('reports every problem at once', () => {
    expect(() => synth({ recoveryWindowDays: 1, generatedPassword: { length: 0 } })).toThrow(
      /recoveryWindowDays = 1.*\n.*generatedPassword.length = 0/,
    );
  });
});
