import { Construct } from 'constructs';
import type { PostgresMajorVersion } from '../../config/config';
import type { EncryptionKey } from '../encryption/encryption-key';
import type { Network } from '../network/network';

export interface DatabaseProps {
  /** DB instance identifier, e.g. `healthcare-db-prod`. */
  readonly identifier: string;
  readonly parameterGroupName: string;
  readonly subnetGroupName: string;
  readonly monitoringRoleName: string;
  readonly network: Network;
  /** Encrypts storage, Performance Insights and the managed master secret. */
  readonly dataKey: EncryptionKey;
  /** Encrypts the pre-created log groups of the exported logs. */
  readonly logsKey: EncryptionKey;
  readonly logRetentionDays: number;
  /** @default '16' */
  readonly engineMajorVersion?: PostgresMajorVersion;
  /** @default 'db.t4g.medium' */
  readonly instanceClass?: string;
  /** @default 20 */
  readonly allocatedStorageGiB?: number;
  /** @default 100 */
  readonly maxAllocatedStorageGiB?: number;
  /** @default 7 */
  readonly backupRetentionDays?: number;
  /** @default false */
  readonly multiAz?: boolean;
  /** @default true */
  readonly deletionProtection?: boolean;
  /** @default false (a final snapshot is taken) */
  readonly skipFinalSnapshot?: boolean;
  /** @default 60 */
  readonly monitoringIntervalSeconds?: number;
  /** @default 7 */
  readonly performanceInsightsRetentionDays?: number;
  /** @default false */
  readonly preventDestroy?: boolean;
}

/** RDS PostgreSQL in the isolated subnets, reachable only from the application tier. */
export class Database extends Construct {
  readonly instanceIdentifier: string;
  readonly instanceArn: string;
  readonly endpointAddress: string;
  readonly port: number;
  readonly masterUserSecretArn: string;
  readonly securityGroupId: string;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    throw new Error(`not implemented: ${JSON.stringify(props)}`);
  }
}
