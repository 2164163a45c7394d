import { Construct } from 'constructs';
import type { EncryptionKey } from '../encryption/encryption-key';

export interface PlatformAlarmsProps {
  readonly topicName: string;
  /** Encrypts the SNS topic; its policy must allow CloudWatch to use it. */
  readonly logsKey: EncryptionKey;
  readonly databaseIdentifier: string;
  readonly databaseAllocatedStorageGiB: number;
  readonly cacheReplicationGroupId: string;
  /** Member cluster ids of the cache (alarms are per node). */
  readonly cacheClusterIds: readonly string[];
  readonly apiName: string;
  readonly apiStageName: string;
  /** @default - no subscription */
  readonly alarmEmail?: string;
}

/** CloudWatch alarms for the database, the cache and the API, to a CMK-encrypted SNS topic. */
export class PlatformAlarms extends Construct {
  readonly topicArn: string;
  /** Alarm names, for tests and the README. */
  readonly alarmNames: string[];

  constructor(scope: Construct, id: string, props: PlatformAlarmsProps) {
    super(scope, id);
    throw new Error(`not implemented: ${JSON.stringify(props)}`);
  }
}
