import { Construct } from 'constructs';

/** AWS services a key policy can let use a key (each gets its own narrow statement). */
export type KeyUser = 'logs' | 'rds' | 'elasticache' | 'secretsmanager' | 'sns' | 'cloudwatch';

export interface EncryptionKeyProps {
  /** Alias including the `alias/` prefix, e.g. `alias/healthcare-data-prod`. */
  readonly alias: string;
  readonly description: string;
  /** Services whose use of the key the key policy allows; nothing else gets a grant. */
  readonly users: readonly KeyUser[];
  /** @default 30 */
  readonly deletionWindowDays?: number;
  /** Adds `lifecycle.prevent_destroy`. @default false */
  readonly preventDestroy?: boolean;
}

/** A customer-managed KMS key with rotation, an explicit least-privilege policy and an alias. */
export class EncryptionKey extends Construct {
  readonly keyId: string;
  readonly keyArn: string;
  readonly aliasName: string;
  /** Account id and partition, resolved once per key (tokens). */
  readonly accountId: string;
  readonly partition: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    throw new Error(`not implemented: ${JSON.stringify(props)}`);
  }
}
