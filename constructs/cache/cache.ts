import { Construct } from 'constructs';
import type { EncryptionKey } from '../encryption/encryption-key';
import type { Network } from '../network/network';

export interface CacheProps {
  /** Replication group id, e.g. `healthcare-redis-prod` (max 40 chars). */
  readonly replicationGroupId: string;
  readonly parameterGroupName: string;
  readonly subnetGroupName: string;
  /** Secrets Manager name of the AUTH token, e.g. `healthcare/prod/redis-auth`. */
  readonly authSecretName: string;
  readonly network: Network;
  readonly dataKey: EncryptionKey;
  readonly logsKey: EncryptionKey;
  readonly logRetentionDays: number;
  readonly secretRecoveryWindowDays: number;
  /** @default 'cache.t4g.small' */
  readonly nodeType?: string;
  /** @default '7.1' */
  readonly engineVersion?: string;
  /** @default 1 */
  readonly snapshotRetentionDays?: number;
  /** @default false */
  readonly preventDestroy?: boolean;
}

/** ElastiCache Redis (cluster mode disabled, 2 nodes, Multi-AZ) in the isolated subnets. */
export class Cache extends Construct {
  readonly replicationGroupId: string;
  readonly primaryEndpointAddress: string;
  readonly readerEndpointAddress: string;
  readonly port: number;
  readonly authSecretArn: string;
  readonly securityGroupId: string;

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id);
    throw new Error(`not implemented: ${JSON.stringify(props)}`);
  }
}
