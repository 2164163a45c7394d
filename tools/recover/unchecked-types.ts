/**
 * What recover says about the types it does not look for: most of them are written with calls
 * that overwrite (PutMetricAlarm, PutBucketPolicy, …), so a leftover is simply taken over by
 * the next apply; any other type without a finder is named as not checked.
 */
const OVERWRITES = 'overwrites: the next apply takes a leftover over';

/** Why a type has no finder, when it needs none. */
export const NOT_NEEDED: Readonly<Record<string, string>> = {
  aws_cloudwatch_metric_alarm: `PutMetricAlarm ${OVERWRITES}`,
  aws_cloudwatch_log_metric_filter: `PutMetricFilter ${OVERWRITES}`,
  aws_sns_topic_policy: `SetTopicAttributes ${OVERWRITES}`,
  aws_s3_bucket_policy: `PutBucketPolicy ${OVERWRITES}`,
  aws_s3_bucket_versioning: `PutBucketVersioning ${OVERWRITES}`,
  aws_s3_bucket_server_side_encryption_configuration: `PutBucketEncryption ${OVERWRITES}`,
  aws_s3_bucket_lifecycle_configuration: `PutBucketLifecycleConfiguration ${OVERWRITES}`,
  aws_s3_bucket_ownership_controls: `PutBucketOwnershipControls ${OVERWRITES}`,
  aws_s3_bucket_public_access_block: `PutPublicAccessBlock ${OVERWRITES}`,
  aws_s3_bucket_logging: `PutBucketLogging ${OVERWRITES}`,
  aws_s3_bucket_object_lock_configuration: `PutObjectLockConfiguration ${OVERWRITES}`,
  aws_api_gateway_method_settings: `UpdateStage ${OVERWRITES}`,
  aws_wafv2_web_acl_association: `AssociateWebACL ${OVERWRITES}`,
  aws_wafv2_web_acl_logging_configuration: `PutLoggingConfiguration ${OVERWRITES}`,
  aws_backup_vault_lock_configuration: `PutBackupVaultLockConfiguration ${OVERWRITES}`,
  aws_default_security_group: "Terraform adopts the VPC's default group when it creates this",
  aws_api_gateway_deployment: 'a second deployment is harmless and goes with its REST API',
  terraform_data: 'not an AWS resource',
};
