/**
 * The AWS managed Config rules of AWS's "Operational Best Practices for HIPAA Security"
 * conformance pack (awslabs/aws-config-rules, aws-config-conformance-packs/
 * Operational-Best-Practices-for-HIPAA-Security.yaml) that apply to what this project
 * deploys, by their AWS rule identifiers. A pure data table: the conformance pack's
 * template is generated from it (conformance-pack.ts) and the auditor table of docs/account-baseline.md
 * reads the same identifiers. Rules for services the platform does not use (EMR,
 * Redshift, OpenSearch, SageMaker, ELB, ...) are left out; adding a row adds the rule.
 */
export interface HipaaConfigRule {
  /** AWS managed rule identifier (Source.SourceIdentifier). */
  readonly identifier: string;
  /** The rule name the pack gives it (ConfigRuleName). */
  readonly name: string;
  /** HIPAA Security Rule citation it supports. */
  readonly hipaa: string;
}

const rule = (identifier: string, name: string, hipaa: string): HipaaConfigRule => ({
  identifier,
  name,
  hipaa,
});

export const HIPAA_CONFIG_RULES: readonly HipaaConfigRule[] = [
  // Audit controls, 164.312(b)
  rule('CLOUD_TRAIL_ENABLED', 'cloudtrail-enabled', '164.312(b)'),
  rule('MULTI_REGION_CLOUD_TRAIL_ENABLED', 'multi-region-cloudtrail-enabled', '164.312(b)'),
  rule('CLOUD_TRAIL_ENCRYPTION_ENABLED', 'cloud-trail-encryption-enabled', '164.312(a)(2)(iv)'),
  rule(
    'CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED',
    'cloud-trail-log-file-validation-enabled',
    '164.312(c)(2)',
  ),
  rule(
    'CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED',
    'cloud-trail-cloud-watch-logs-enabled',
    '164.308(a)(1)(ii)(D)',
  ),
  rule('CLOUDTRAIL_S3_DATAEVENTS_ENABLED', 'cloudtrail-s3-dataevents-enabled', '164.312(b)'),
  rule('CLOUDWATCH_ALARM_ACTION_CHECK', 'cloudwatch-alarm-action-check', '164.308(a)(1)(ii)(D)'),
  rule('VPC_FLOW_LOGS_ENABLED', 'vpc-flow-logs-enabled', '164.312(b)'),
  rule('API_GW_EXECUTION_LOGGING_ENABLED', 'api-gw-execution-logging-enabled', '164.312(b)'),
  rule('WAFV2_LOGGING_ENABLED', 'wafv2-logging-enabled', '164.312(b)'),
  rule('RDS_LOGGING_ENABLED', 'rds-logging-enabled', '164.312(b)'),
  rule('S3_BUCKET_LOGGING_ENABLED', 's3-bucket-logging-enabled', '164.312(b)'),
  rule('GUARDDUTY_ENABLED_CENTRALIZED', 'guardduty-enabled-centralized', '164.308(a)(1)(ii)(D)'),
  rule('SECURITYHUB_ENABLED', 'securityhub-enabled', '164.308(a)(1)(ii)(D)'),
  // Encryption at rest, 164.312(a)(2)(iv)
  rule('RDS_STORAGE_ENCRYPTED', 'rds-storage-encrypted', '164.312(a)(2)(iv)'),
  rule('RDS_SNAPSHOT_ENCRYPTED', 'rds-snapshot-encrypted', '164.312(a)(2)(iv)'),
  rule(
    'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
    's3-bucket-server-side-encryption-enabled',
    '164.312(a)(2)(iv)',
  ),
  rule('S3_DEFAULT_ENCRYPTION_KMS', 's3-default-encryption-kms', '164.312(a)(2)(iv)'),
  rule('SNS_ENCRYPTED_KMS', 'sns-encrypted-kms', '164.312(a)(2)(iv)'),
  rule('SECRETSMANAGER_USING_CMK', 'secretsmanager-using-cmk', '164.312(a)(2)(iv)'),
  rule('EC2_EBS_ENCRYPTION_BY_DEFAULT', 'ec2-ebs-encryption-by-default', '164.312(a)(2)(iv)'),
  rule('ENCRYPTED_VOLUMES', 'encrypted-volumes', '164.312(a)(2)(iv)'),
  rule('BACKUP_RECOVERY_POINT_ENCRYPTED', 'backup-recovery-point-encrypted', '164.312(a)(2)(iv)'),
  rule(
    'KMS_CMK_NOT_SCHEDULED_FOR_DELETION',
    'kms-cmk-not-scheduled-for-deletion',
    '164.312(a)(2)(iv)',
  ),
  // Transmission security, 164.312(e)(1)
  rule('S3_BUCKET_SSL_REQUESTS_ONLY', 's3-bucket-ssl-requests-only', '164.312(e)(1)'),
  rule('API_GW_SSL_ENABLED', 'api-gw-ssl-enabled', '164.312(e)(1)'),
  // Access control, 164.312(a)(1) and 164.308(a)(4)
  rule('RDS_INSTANCE_PUBLIC_ACCESS_CHECK', 'rds-instance-public-access-check', '164.312(a)(1)'),
  rule('RDS_SNAPSHOTS_PUBLIC_PROHIBITED', 'rds-snapshots-public-prohibited', '164.312(a)(1)'),
  rule(
    'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC',
    's3-account-level-public-access-blocks-periodic',
    '164.312(a)(1)',
  ),
  rule(
    'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED',
    's3-bucket-level-public-access-prohibited',
    '164.312(a)(1)',
  ),
  rule('S3_BUCKET_PUBLIC_READ_PROHIBITED', 's3-bucket-public-read-prohibited', '164.312(a)(1)'),
  rule('S3_BUCKET_PUBLIC_WRITE_PROHIBITED', 's3-bucket-public-write-prohibited', '164.312(a)(1)'),
  rule('S3_BUCKET_ACL_PROHIBITED', 's3-bucket-acl-prohibited', '164.312(a)(1)'),
  rule('API_GW_ASSOCIATED_WITH_WAF', 'api-gw-associated-with-waf', '164.312(a)(1)'),
  rule('VPC_DEFAULT_SECURITY_GROUP_CLOSED', 'vpc-default-security-group-closed', '164.312(e)(1)'),
  rule('INCOMING_SSH_DISABLED', 'restricted-ssh', '164.312(e)(1)'),
  rule(
    'VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS',
    'vpc-sg-open-only-to-authorized-ports',
    '164.312(e)(1)',
  ),
  rule(
    'SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED',
    'subnet-auto-assign-public-ip-disabled',
    '164.312(e)(1)',
  ),
  rule('IAM_PASSWORD_POLICY', 'iam-password-policy', '164.308(a)(5)(ii)(D)'),
  rule('IAM_ROOT_ACCESS_KEY_CHECK', 'iam-root-access-key-check', '164.312(a)(1)'),
  rule('ROOT_ACCOUNT_MFA_ENABLED', 'root-account-mfa-enabled', '164.312(d)'),
  rule('MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS', 'mfa-enabled-for-iam-console-access', '164.312(d)'),
  rule('IAM_USER_MFA_ENABLED', 'iam-user-mfa-enabled', '164.312(d)'),
  rule(
    'IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS',
    'iam-policy-no-statements-with-admin-access',
    '164.308(a)(3)(i)',
  ),
  rule('IAM_NO_INLINE_POLICY_CHECK', 'iam-no-inline-policy-check', '164.308(a)(3)(i)'),
  rule('ACCESS_KEYS_ROTATED', 'access-keys-rotated', '164.308(a)(5)(ii)(D)'),
  // Integrity and contingency, 164.312(c)(1) and 164.308(a)(7)
  rule('S3_BUCKET_VERSIONING_ENABLED', 's3-bucket-versioning-enabled', '164.312(c)(1)'),
  rule('S3_BUCKET_DEFAULT_LOCK_ENABLED', 's3-bucket-default-lock-enabled', '164.312(c)(1)'),
  rule('DB_INSTANCE_BACKUP_ENABLED', 'db-instance-backup-enabled', '164.308(a)(7)(ii)(A)'),
  rule('RDS_IN_BACKUP_PLAN', 'rds-in-backup-plan', '164.308(a)(7)(ii)(A)'),
  rule('RDS_MULTI_AZ_SUPPORT', 'rds-multi-az-support', '164.308(a)(7)(i)'),
  rule('RDS_ENHANCED_MONITORING_ENABLED', 'rds-enhanced-monitoring-enabled', '164.312(b)'),
  rule(
    'ELASTICACHE_REDIS_CLUSTER_AUTOMATIC_BACKUP_CHECK',
    'elasticache-redis-cluster-automatic-backup-check',
    '164.308(a)(7)(ii)(A)',
  ),
  rule('DYNAMODB_PITR_ENABLED', 'dynamodb-pitr-enabled', '164.308(a)(7)(ii)(A)'),
  rule(
    'BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK',
    'backup-plan-min-frequency-and-min-retention-check',
    '164.308(a)(7)(ii)(A)',
  ),
  rule(
    'BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED',
    'backup-recovery-point-manual-deletion-disabled',
    '164.308(a)(7)(ii)(A)',
  ),
];
