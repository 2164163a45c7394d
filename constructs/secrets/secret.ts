import { DataAwsSecretsmanagerRandomPassword } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-random-password';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { EncryptionKey } from '../encryption/encryption-key';

export interface SecretProps {
  readonly name: string;
  readonly description: string;
  readonly encryptionKey: EncryptionKey;
  /** Days a deleted secret can be restored. @default 30 */
  readonly recoveryWindowDays?: number;
  /**
   * Generate the value with Secrets Manager's GetRandomPassword (no value in code).
   * `length` is 1 to 4096 characters.
   * @default - no value is written; the owner (e.g. RDS) manages it
   */
  readonly generatedPassword?: { readonly length: number; readonly excludePunctuation?: boolean };
  /** @default false */
  readonly preventDestroy?: boolean;
}

/** Secrets Manager accepts a recovery window of 7 to 30 days. */
const RECOVERY_WINDOW_MIN = 7;
const RECOVERY_WINDOW_MAX = 30;
/** GetRandomPassword's PasswordLength range. */
const PASSWORD_LENGTH_MAX = 4096;

const isIntegerIn = (value: number, min: number, max: number): boolean =>
  Token.isUnresolved(value) || (Number.isInteger(value) && value >= min && value <= max);

/** A Secrets Manager secret under the platform CMK with a recovery window. */
export class Secret extends Construct {
  readonly secretArn: string;
  readonly secretName: string;
  /** The generated value, for wiring into a resource argument only (never an output). */
  readonly secretValue?: string;

  constructor(scope: Construct, id: string, props: SecretProps) {
    super(scope, id);
    const recoveryWindowDays = props.recoveryWindowDays ?? RECOVERY_WINDOW_MAX;
    const preventDestroy = props.preventDestroy ?? false;

    const problems = [
      {
        failed: !isIntegerIn(recoveryWindowDays, RECOVERY_WINDOW_MIN, RECOVERY_WINDOW_MAX),
        message: `recoveryWindowDays = ${recoveryWindowDays}: Secrets Manager accepts a whole number of days from ${RECOVERY_WINDOW_MIN} to ${RECOVERY_WINDOW_MAX}; pick a value in that range`,
      },
      {
        failed:
          props.generatedPassword !== undefined &&
          !isIntegerIn(props.generatedPassword.length, 1, PASSWORD_LENGTH_MAX),
        message: `generatedPassword.length = ${props.generatedPassword?.length}: GetRandomPassword accepts a whole number from 1 to ${PASSWORD_LENGTH_MAX}`,
      },
    ]
      .filter((p) => p.failed)
      .map((p) => `  - ${p.message}`);
    if (problems.length > 0) {
      throw new Error(`Secret "${props.name}" is invalid:\n${problems.join('\n')}`);
    }

    const secret = new SecretsmanagerSecret(this, 'secret', {
      name: props.name,
      description: props.description,
      kmsKeyId: props.encryptionKey.keyArn,
      recoveryWindowInDays: recoveryWindowDays,
      lifecycle: { preventDestroy },
    });
    this.secretArn = secret.arn;
    this.secretName = secret.name;

    if (props.generatedPassword) {
      // Secrets Manager generates the value at plan time: nothing secret lives in code.
      const password = new DataAwsSecretsmanagerRandomPassword(this, 'random-password', {
        passwordLength: props.generatedPassword.length,
        excludePunctuation: props.generatedPassword.excludePunctuation ?? false,
      });
      const version = new SecretsmanagerSecretVersion(this, 'version', {
        secretId: secret.id,
        secretString: password.randomPassword,
        // The data source returns a fresh value on every plan; the stored one must not churn.
        lifecycle: { ignoreChanges: ['secret_string'] },
      });
      // The stored value (from state), so consumers get what Secrets Manager holds.
      this.secretValue = version.secretString;
    }
  }
}
