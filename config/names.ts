/**
 * Every physical name the platform gives a resource, built in one place so that the
 * environment suffix can be checked against the shortest AWS limit it feeds before
 * anything is synthesized.
 */
export const PROJECT = 'healthcare';
/** The `Project` tag of every platform resource (provider default_tags). */
export const PROJECT_TAG = 'healthcare-platform';

interface NameRule {
  /** What AWS calls the name, for error messages. */
  readonly what: string;
  readonly maxLength: number;
  readonly build: (environment: string) => string;
}

const rule = (what: string, maxLength: number, build: (env: string) => string): NameRule => ({
  what,
  maxLength,
  build,
});

export const NAME_RULES = {
  vpc: rule('VPC Name tag', 255, (e) => `${PROJECT}-vpc-${e}`),
  flowLogGroup: rule('log group name', 512, (e) => `/${PROJECT}/${e}/vpc-flow-logs`),
  flowLogRole: rule('IAM role name', 64, (e) => `${PROJECT}-flow-logs-${e}`),
  dataKeyAlias: rule('KMS alias', 256, (e) => `alias/${PROJECT}-data-${e}`),
  logsKeyAlias: rule('KMS alias', 256, (e) => `alias/${PROJECT}-logs-${e}`),
  database: rule('RDS DB instance identifier', 63, (e) => `${PROJECT}-db-${e}`),
  // The family (e.g. `postgres16`) is appended by the Database construct, so a major
  // upgrade creates the new group before the old one goes (create_before_destroy).
  databaseParameterGroup: rule('RDS DB parameter group name', 255, (e) => `${PROJECT}-pg-${e}`),
  databaseSubnetGroup: rule('RDS DB subnet group name', 255, (e) => `${PROJECT}-db-${e}`),
  databaseMonitoringRole: rule('IAM role name', 64, (e) => `${PROJECT}-rds-monitoring-${e}`),
  cache: rule('ElastiCache replication group id', 40, (e) => `${PROJECT}-redis-${e}`),
  // The family (`redis7`) is appended by the Cache construct, as for the database.
  cacheParameterGroup: rule(
    'ElastiCache parameter group name',
    255,
    (e) => `${PROJECT}-redis-${e}`,
  ),
  cacheSubnetGroup: rule('ElastiCache subnet group name', 255, (e) => `${PROJECT}-redis-${e}`),
  // ElastiCache RBAC: the application's IAM-authenticated user (IAM auth needs user id ==
  // user name) and the disabled replacement of the built-in `default` user. 40 is the
  // conservative length limit for user and user group ids.
  cacheUser: rule('ElastiCache user id', 40, (e) => `${PROJECT}-app-${e}`),
  cacheDefaultUser: rule('ElastiCache user id', 40, (e) => `${PROJECT}-dflt-${e}`),
  cacheUserGroup: rule('ElastiCache user group id', 40, (e) => `${PROJECT}-redis-${e}`),
  api: rule('API Gateway REST API name', 1024, (e) => `${PROJECT}-api-${e}`),
  webAcl: rule('WAFv2 web ACL name', 128, (e) => `${PROJECT}-api-${e}`),
  // WAF requires its log group names to start with aws-waf-logs-.
  webAclLogGroup: rule('log group name', 512, (e) => `aws-waf-logs-${PROJECT}-api-${e}`),
  alarmTopic: rule('SNS topic name', 256, (e) => `${PROJECT}-alarms-${e}`),
  securityGroup: rule('security group name', 255, (e) => `${PROJECT}-endpoints-${e}`),
  // Also names its role (64), log group, dead-letter queue (`-dlq`, 80) and alarms.
  readinessFunction: rule('Lambda function name', 64, (e) => `${PROJECT}-readiness-${e}`),
  readinessCallerPolicy: rule('IAM policy name', 128, (e) => `${PROJECT}-ready-callers-${e}`),
  // Also names its role and log group; Terraform invokes it on deploy (constructs/database/db-setup.ts).
  dbSetupFunction: rule('Lambda function name', 64, (e) => `${PROJECT}-db-setup-${e}`),
  // The only role that may logs:Unmask the platform's protected log groups (MFA sessions).
  logUnmaskRole: rule('IAM role name', 64, (e) => `${PROJECT}-log-unmask-${e}`),
} as const;

export type NameKey = keyof typeof NAME_RULES;
export type ResourceNames = { readonly [K in NameKey]: string };

export function resourceNames(environment: string): ResourceNames {
  const names = {} as Record<NameKey, string>;
  for (const key of Object.keys(NAME_RULES) as NameKey[]) {
    names[key] = NAME_RULES[key].build(environment);
  }
  return names;
}

/** The rule that leaves the least room for the suffix: it sets the suffix's maximum length. */
export function tightestNameRule(): { key: NameKey; maxSuffixLength: number; what: string } {
  let best: { key: NameKey; maxSuffixLength: number; what: string } | undefined;
  for (const key of Object.keys(NAME_RULES) as NameKey[]) {
    const r = NAME_RULES[key];
    const maxSuffixLength = r.maxLength - r.build('').length;
    if (!best || maxSuffixLength < best.maxSuffixLength) {
      best = { key, maxSuffixLength, what: r.what };
    }
  }
  return best!;
}
