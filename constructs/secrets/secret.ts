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
   * @default - no value is written; the owner (e.g. RDS) manages it
   */
  readonly generatedPassword?: { readonly length: number; readonly excludePunctuation?: boolean };
  /** @default false */
  readonly preventDestroy?: boolean;
}

/** A Secrets Manager secret under the platform CMK with a recovery window. */
export class Secret extends Construct {
  readonly secretArn: string;
  readonly secretName: string;
  /** The generated value, for wiring into a resource argument only (never an output). */
  readonly secretValue?: string;

  constructor(scope: Construct, id: string, props: SecretProps) {
    super(scope, id);
    throw new Error(`not implemented: ${JSON.stringify(props)}`);
  }
}
