/**
 * The usage the estimate assumes where the Terraform configuration cannot say: traffic, log
 * volumes, events. Small defaults for an environment with little traffic, each stated in
 * the report; a caller may pass others.
 */
export interface UsageAssumptions {
  /** GB a month through each NAT gateway. */
  readonly natGbPerGateway: number;
  /** GB a month through each interface VPC endpoint. */
  readonly endpointGbPerEndpoint: number;
  /** GB a month written to each CloudWatch log group. */
  readonly logGbPerGroup: number;
  /** Requests a month to each REST API; each is also a WAF request. */
  readonly apiRequestsPerMonth: number;
  /** Invocations a month of each Lambda function, and their average duration. */
  readonly lambdaInvocationsPerMonth: number;
  readonly lambdaAverageMs: number;
  /** CloudTrail data events a month (the trail's S3 object selectors). */
  readonly trailDataEventsPerMonth: number;
  /** CloudTrail management events a month that GuardDuty analyses. */
  readonly guardDutyEventsPerMonth: number;
  /** AWS Config configuration items recorded a month. */
  readonly configItemsPerMonth: number;
  /** Evaluations a month of each Config rule (conformance pack rules included). */
  readonly configEvaluationsPerRule: number;
  /** Security Hub security checks a month. */
  readonly securityHubChecksPerMonth: number;
  /** GB of recovery points kept in each backup vault, and copied to the DR region a month. */
  readonly backupGbPerVault: number;
  readonly backupCopyGbPerMonth: number;
  /** GB stored in each S3 bucket. */
  readonly s3GbPerBucket: number;
}

export const DEFAULT_USAGE: UsageAssumptions = {
  natGbPerGateway: 10,
  endpointGbPerEndpoint: 1,
  logGbPerGroup: 0.5,
  apiRequestsPerMonth: 1_000_000,
  lambdaInvocationsPerMonth: 100_000,
  lambdaAverageMs: 200,
  trailDataEventsPerMonth: 100_000,
  guardDutyEventsPerMonth: 100_000,
  configItemsPerMonth: 1_000,
  configEvaluationsPerRule: 100,
  securityHubChecksPerMonth: 10_000,
  backupGbPerVault: 50,
  backupCopyGbPerMonth: 50,
  s3GbPerBucket: 1,
};

/** The assumptions as sentences, for the report. */
export function describeUsage(u: UsageAssumptions, hoursPerMonth: number): string[] {
  const n = (x: number) => x.toLocaleString('en-US');
  return [
    `${hoursPerMonth} hours a month for everything billed by the hour; on-demand prices, no free tier, no Savings Plans or reservations.`,
    'Storage at its allocated size (RDS allocated_storage, not max_allocated_storage); Multi-AZ bills instance-hours and storage twice, as AWS does.',
    `Traffic: ${n(u.apiRequestsPerMonth)} API requests a month per REST API (each also a WAF request); ${n(u.lambdaInvocationsPerMonth)} invocations of ${u.lambdaAverageMs} ms per Lambda function; ${u.natGbPerGateway} GB through each NAT gateway and ${u.endpointGbPerEndpoint} GB through each interface endpoint.`,
    `Logs: ${u.logGbPerGroup} GB a month into each log group; storage shown is what a group holds after 12 months (or its retention, if shorter).`,
    `Usage-based security services: ${n(u.configItemsPerMonth)} Config items recorded and ${n(u.configEvaluationsPerRule)} evaluations per Config rule a month; ${n(u.trailDataEventsPerMonth)} CloudTrail data events; GuardDuty analyses ${n(u.guardDutyEventsPerMonth)} CloudTrail management events (flow and DNS logs not estimated); ${n(u.securityHubChecksPerMonth)} Security Hub checks.`,
    `Backups: ${u.backupGbPerVault} GB of recovery points in each vault and ${u.backupCopyGbPerMonth} GB copied to the DR region a month; ${u.s3GbPerBucket} GB in each S3 bucket.`,
    'SQS, SNS and the DynamoDB lock table stay within their free or negligible request volumes.',
  ];
}
