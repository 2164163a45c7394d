import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { Construct } from 'constructs';

/** One EventBridge rule that sends matching events to the alarm topic. */
export interface EventRoute {
  /** Construct id part (`<id>-rule`, `<id>-target`). */
  readonly id: string;
  /** The rule's name: the topic policy admits it by ARN. */
  readonly ruleName: string;
  readonly description: string;
  /** The EventBridge event pattern, as AWS documents the event. */
  readonly pattern: Readonly<Record<string, unknown>>;
  /** The AWS page the pattern rests on. */
  readonly source: string;
}

/** The rule names of the routes (config/baseline.ts BASELINE_NAMES.eventRules). */
export interface EventRouteNames {
  readonly guardDutyFindings: string;
  readonly securityHubFindings: string;
  readonly backupJobFailed: string;
  readonly copyJobFailed: string;
  readonly restoreJobFailed: string;
}

/**
 * GuardDuty severity of a finding: 7.0-8.9 High, 9.0-10.0 Critical
 * (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings.html).
 */
export const GUARDDUTY_MIN_SEVERITY = 7;

const BACKUP_EVENTS = 'https://docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html';

/**
 * The AWS Backup job events and the field each reports its outcome in. AWS: "Some events
 * report status: COMPLETED whereas other events report state: COMPLETED. This is consistent
 * with the AWS Backup API" (BACKUP_EVENTS): a backup job and a copy job have a `State`, a
 * restore job a `Status` (API_BackupJob, API_CopyJob, API_RestoreJobsListMember; restore
 * testing validation listens for "the restore job reaching the status COMPLETED"). The failed
 * values are the ones each API enum has among FAILED, ABORTED, EXPIRED: BackupJobState has
 * all three, CopyJobState only FAILED, RestoreJobStatus FAILED and ABORTED.
 */
export const BACKUP_FAILURES = [
  {
    detailType: 'Backup Job State Change',
    field: 'state',
    failed: ['FAILED', 'ABORTED', 'EXPIRED'],
  },
  { detailType: 'Copy Job State Change', field: 'state', failed: ['FAILED'] },
  { detailType: 'Restore Job State Change', field: 'status', failed: ['FAILED', 'ABORTED'] },
] as const;

/**
 * The routes the baseline sets up: findings of the detective services that run here (this
 * baseline's or the organization's), and every failed backup, copy or restore job.
 */
export function securityEventRoutes(
  names: EventRouteNames,
  watch: { readonly guardDuty: boolean; readonly securityHub: boolean },
): EventRoute[] {
  const routes: EventRoute[] = [];
  if (watch.guardDuty) {
    routes.push({
      id: 'guardduty-findings',
      ruleName: names.guardDutyFindings,
      description: `GuardDuty findings of severity ${GUARDDUTY_MIN_SEVERITY} or more (High, Critical)`,
      pattern: {
        source: ['aws.guardduty'],
        'detail-type': ['GuardDuty Finding'],
        detail: { severity: [{ numeric: ['>=', GUARDDUTY_MIN_SEVERITY] }] },
      },
      source: 'https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-guardduty.html',
    });
  }
  if (watch.securityHub) {
    routes.push({
      id: 'securityhub-findings',
      ruleName: names.securityHubFindings,
      description: 'New, active Security Hub findings of severity HIGH or CRITICAL',
      pattern: {
        source: ['aws.securityhub'],
        'detail-type': ['Security Hub Findings - Imported'],
        detail: {
          findings: {
            Severity: { Label: ['HIGH', 'CRITICAL'] },
            // Every BatchImportFindings/BatchUpdateFindings emits an event: NEW alerts once.
            Workflow: { Status: ['NEW'] },
            RecordState: ['ACTIVE'],
          },
        },
      },
      source:
        'https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-all-findings.html',
    });
  }
  const backupIds = ['backup-job-failed', 'copy-job-failed', 'restore-job-failed'] as const;
  const backupNames = [names.backupJobFailed, names.copyJobFailed, names.restoreJobFailed];
  BACKUP_FAILURES.forEach((event, i) => {
    routes.push({
      id: backupIds[i],
      ruleName: backupNames[i],
      description: `AWS Backup: ${event.detailType} to ${event.failed.join(', ')}`,
      pattern: {
        source: ['aws.backup'],
        'detail-type': [event.detailType],
        detail: { [event.field]: [...event.failed] },
      },
      source: BACKUP_EVENTS,
    });
  });
  return routes;
}

export interface SecurityEventRoutesProps {
  readonly routes: readonly EventRoute[];
  /** The security alarm topic; its policy must admit each rule (aws:SourceArn). */
  readonly topicArn: string;
}

/**
 * One EventBridge rule per route on the default event bus, each targeting the alarm topic.
 * No role on the target: SNS is a resource-policy target, and EventBridge advises against a
 * RoleArn for it (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html).
 */
export class SecurityEventRoutes extends Construct {
  readonly ruleNames: readonly string[];

  constructor(scope: Construct, id: string, props: SecurityEventRoutesProps) {
    super(scope, id);
    const names = props.routes.map((r) => r.ruleName);
    if (names.length === 0 || new Set(names).size !== names.length) {
      throw new Error(
        `SecurityEventRoutes '${id}': routes must be a non-empty list of distinct rule names, got [${names.join(', ')}]`,
      );
    }
    for (const route of props.routes) {
      const rule = new CloudwatchEventRule(this, `${route.id}-rule`, {
        name: route.ruleName,
        description: route.description,
        eventPattern: JSON.stringify(route.pattern),
      });
      new CloudwatchEventTarget(this, `${route.id}-target`, {
        rule: rule.name,
        targetId: 'security-alarm-topic',
        arn: props.topicArn,
      });
    }
    this.ruleNames = names;
  }
}
