import { DataAwsGuarddutyDetector } from '@cdktf/provider-aws/lib/data-aws-guardduty-detector';
import { GuarddutyDetector } from '@cdktf/provider-aws/lib/guardduty-detector';
import { GuarddutyDetectorFeature } from '@cdktf/provider-aws/lib/guardduty-detector-feature';
import { SecurityhubAccount } from '@cdktf/provider-aws/lib/securityhub-account';
import { SecurityhubStandardsSubscription } from '@cdktf/provider-aws/lib/securityhub-standards-subscription';
import { Construct } from 'constructs';

/** GuardDuty protection plans this project turns on (the `datasources` block is deprecated). */
export const GUARDDUTY_FEATURES = ['S3_DATA_EVENTS', 'RDS_LOGIN_EVENTS'] as const;

export interface GuardDutyProps {
  /** @default FIFTEEN_MINUTES */
  readonly findingPublishingFrequency?: 'FIFTEEN_MINUTES' | 'ONE_HOUR' | 'SIX_HOURS';
}

/** A GuardDuty detector with S3 protection (data events) and RDS protection (login events). */
export class GuardDuty extends Construct {
  readonly detectorId: string;

  constructor(scope: Construct, id: string, props: GuardDutyProps = {}) {
    super(scope, id);
    const detector = new GuarddutyDetector(this, 'detector', {
      enable: true,
      findingPublishingFrequency: props.findingPublishingFrequency ?? 'FIFTEEN_MINUTES',
    });
    for (const feature of GUARDDUTY_FEATURES) {
      new GuarddutyDetectorFeature(this, feature.toLowerCase().replace(/_/g, '-'), {
        detectorId: detector.id,
        name: feature,
        status: 'ENABLED',
      });
    }
    this.detectorId = detector.id;
  }
}

export interface SecurityHubProps {
  readonly partition: string;
  readonly region: string;
}

/** The AWS Foundational Security Best Practices standard, version 1.0.0. */
export function foundationalStandardArn(partition: string, region: string): string {
  return `arn:${partition}:securityhub:${region}::standards/aws-foundational-security-best-practices/v/1.0.0`;
}

/**
 * Security Hub with exactly the standard this project chooses: AWS Foundational Security
 * Best Practices v1.0.0 (the default standards are not enabled implicitly).
 */
export class SecurityHub extends Construct {
  readonly standardsArn: string;

  constructor(scope: Construct, id: string, props: SecurityHubProps) {
    super(scope, id);
    const account = new SecurityhubAccount(this, 'account', {
      enableDefaultStandards: false,
      autoEnableControls: true,
    });
    this.standardsArn = foundationalStandardArn(props.partition, props.region);
    new SecurityhubStandardsSubscription(this, 'foundational-best-practices', {
      standardsArn: this.standardsArn,
      dependsOn: [account],
    });
  }
}

export interface OrganizationGuardDutyProps {
  /** What Terraform prints when the detector is not enabled (gate-messages.ts). */
  readonly message: string;
}

/**
 * The data source's Terraform address. Without any detector in the region the provider's read
 * fails before the postcondition runs, with its own words only (measured with provider 5.100:
 * "Error: reading this account's single GuardDuty Detector: empty result", then "with
 * data.aws_guardduty_detector.<name>"), and 5.100 has no data source that lists detectors
 * without failing. So the name is the one thing of ours that error shows: it says what the
 * setting requires. `npm run preflight -- --baseline` says it in full
 * (organizationServiceMissingMessage), and docs/troubleshooting.md maps the error to the fix.
 */
export const ORGANIZATION_DETECTOR_ADDRESS =
  'BASELINE_GUARDDUTY_organization_needs_a_detector_enabled_by_the_delegated_administrator';

/**
 * BASELINE_GUARDDUTY=organization: the organization's delegated administrator runs GuardDuty
 * here. Nothing is created (so nothing is disabled on destroy); the region's detector is read
 * and the plan stops unless it is ENABLED (a data-source postcondition, evaluated by every
 * plan). Without any detector the provider's read fails first (ORGANIZATION_DETECTOR_ADDRESS).
 */
export class OrganizationGuardDuty extends Construct {
  readonly detectorId: string;

  constructor(scope: Construct, id: string, props: OrganizationGuardDutyProps) {
    super(scope, id);
    const detector = new DataAwsGuarddutyDetector(this, 'detector', {
      lifecycle: {
        postcondition: [{ condition: '${self.status == "ENABLED"}', errorMessage: props.message }],
      },
    });
    detector.overrideLogicalId(ORGANIZATION_DETECTOR_ADDRESS);
    this.detectorId = detector.id;
  }
}
