/**
 * The baseline preflight's service checks (baseline-checks.ts): GuardDuty, Security Hub,
 * AWS Config and CloudTrail, each against its `on` / `organization` / `off` setting.
 */
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import {
  ConfigServiceClient,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
} from '@aws-sdk/client-config-service';
import {
  GetDetectorCommand,
  GuardDutyClient,
  ListDetectorsCommand,
} from '@aws-sdk/client-guardduty';
import {
  DescribeHubCommand,
  GetAdministratorAccountCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import type { ServiceMode } from '../../config/baseline';
import { organizationServiceMissingMessage } from '../../constructs/safety-nets/gate-messages';
import { describeError, notVerified } from './aws-answers';
import type { BaselinePreflightConfig } from './baseline-checks';
import type { CheckResult } from './preflight';

/** Setting names of the four services. */
export const SERVICE_VARIABLES = {
  cloudTrail: 'BASELINE_CLOUDTRAIL',
  config: 'BASELINE_CONFIG',
  guardDuty: 'BASELINE_GUARDDUTY',
  securityHub: 'BASELINE_SECURITY_HUB',
} as const;

/** Row names of the four services. */
export const SERVICE_CHECK_NAMES = {
  guardDuty: 'GuardDuty',
  securityHub: 'Security Hub',
  config: 'AWS Config',
  cloudTrail: 'CloudTrail',
} as const;

/** The provider default tags that mark the baseline's own resources (stacks/account-baseline-stack.ts). */
const OWN_TAGS = { ManagedBy: 'cdktf', Component: 'account-baseline' } as const;

/** The service already runs here but not as the baseline's: `on` would collide with it. */
export function alreadyRunsMessage(service: string, what: string, variable: string): string {
  return `${service} already has ${what} in this account: set ${variable}=organization if the organization manages it`;
}

const owned = (tags: Record<string, string> | undefined) =>
  tags !== undefined && Object.entries(OWN_TAGS).every(([k, v]) => tags[k] === v);

/** The outcome when the service is absent, for each mode. */
function absent(
  name: string,
  mode: ServiceMode,
  service: string,
  variable: string,
  region: string,
  what: string,
): CheckResult {
  if (mode === 'organization') {
    return {
      name,
      status: 'fail',
      detail: organizationServiceMissingMessage(service, variable, region),
      fix: `enable ${service} for this account through the organization's delegated administrator, or set ${variable}=on`,
    };
  }
  return {
    name,
    status: 'pass',
    detail:
      mode === 'on'
        ? `no ${what} yet: the baseline creates one`
        : `no ${what}; ${variable}=off: neither created nor watched`,
  };
}

export async function checkGuardDuty(
  config: BaselinePreflightConfig,
  guardDuty: GuardDutyClient,
): Promise<CheckResult> {
  const name = SERVICE_CHECK_NAMES.guardDuty;
  const mode = config.guardDuty;
  const variable = SERVICE_VARIABLES.guardDuty;
  try {
    const ids = (await guardDuty.send(new ListDetectorsCommand({}))).DetectorIds ?? [];
    if (ids.length === 0)
      return absent(name, mode, 'GuardDuty', variable, config.region, 'detector');
    const detector = await guardDuty.send(new GetDetectorCommand({ DetectorId: ids[0] }));
    const ours = owned(detector.Tags);
    const what = `a detector (${ids[0]})`;
    if (mode === 'on') {
      return ours
        ? {
            name,
            status: 'pass',
            detail: `${what} is this baseline's (tags ManagedBy=cdktf, Component=account-baseline)`,
          }
        : {
            name,
            status: 'fail',
            detail: alreadyRunsMessage('GuardDuty', what, variable),
            fix: `set ${variable}=organization (the organization's detector stays as it is), or import the detector into the baseline's state`,
          };
    }
    if (mode === 'organization') {
      if (ours) {
        return {
          name,
          status: 'fail',
          detail: `${variable}=organization, but ${what} is this baseline's own: switching would delete it`,
          fix: `keep ${variable}=on, or remove the detector from the baseline's state (terraform state rm) before the organization takes it over`,
        };
      }
      return detector.Status === 'ENABLED'
        ? { name, status: 'pass', detail: `the organization's ${what.slice(2)} is ENABLED` }
        : {
            name,
            status: 'fail',
            detail: organizationServiceMissingMessage('GuardDuty', variable, config.region),
            fix: `have the delegated administrator enable ${what.slice(2)} (status ${detector.Status})`,
          };
    }
    return {
      name,
      status: 'pass',
      detail: `${what} exists; ${variable}=off: not managed or watched here`,
    };
  } catch (e) {
    return notVerified(
      name,
      'GuardDuty ListDetectors/GetDetector',
      'guardduty:ListDetectors, guardduty:GetDetector',
      e,
    );
  }
}

/** "Not subscribed" answers of DescribeHub: Security Hub is off in this account and region. */
function hubIsOff(e: unknown): boolean {
  const err = describeError(e);
  return (
    err.text.startsWith('InvalidAccessException') ||
    err.text.startsWith('ResourceNotFoundException') ||
    /not subscribed/i.test(err.text)
  );
}

export async function checkSecurityHub(
  config: BaselinePreflightConfig,
  securityHub: SecurityHubClient,
): Promise<CheckResult> {
  const name = SERVICE_CHECK_NAMES.securityHub;
  const mode = config.securityHub;
  const variable = SERVICE_VARIABLES.securityHub;
  let hubArn: string | undefined;
  try {
    hubArn = (await securityHub.send(new DescribeHubCommand({}))).HubArn ?? 'enabled';
  } catch (e) {
    if (!hubIsOff(e))
      return notVerified(name, 'Security Hub DescribeHub', 'securityhub:DescribeHub', e);
  }
  if (hubArn === undefined)
    return absent(name, mode, 'Security Hub', variable, config.region, 'hub');
  let administrator: string | undefined;
  try {
    const out = await securityHub.send(new GetAdministratorAccountCommand({}));
    administrator = out.Administrator?.AccountId;
  } catch (e) {
    return notVerified(
      name,
      'Security Hub GetAdministratorAccount',
      'securityhub:GetAdministratorAccount',
      e,
    );
  }
  if (mode === 'on' && administrator !== undefined) {
    return {
      name,
      status: 'fail',
      detail: alreadyRunsMessage(
        'Security Hub',
        `a hub administered by account ${administrator}`,
        variable,
      ),
      fix: `set ${variable}=organization`,
    };
  }
  if (mode === 'on') {
    // Security Hub carries no tags the provider sets: who enabled it cannot be told from here.
    return {
      name,
      status: 'not-verified',
      detail: `Security Hub is enabled (${hubArn}) with no administrator account: by this baseline (nothing to do) or by hand (the deploy then fails with ResourceConflictException)`,
      fix: `if it was enabled by hand: terraform import the aws_securityhub_account into TapAccountBaseline, or set ${variable}=off`,
    };
  }
  if (mode === 'organization') {
    return administrator !== undefined
      ? {
          name,
          status: 'pass',
          detail: `enabled (${hubArn}), administered by account ${administrator}`,
        }
      : {
          name,
          status: 'fail',
          detail: `${variable}=organization, but Security Hub (${hubArn}) has no administrator account: no organization manages it here`,
          fix: `have the organization's delegated administrator add this account, or set ${variable}=on`,
        };
  }
  return {
    name,
    status: 'pass',
    detail: `enabled (${hubArn}); ${variable}=off: not managed or watched here`,
  };
}

export async function checkConfigRecorder(
  config: BaselinePreflightConfig,
  configService: ConfigServiceClient,
): Promise<CheckResult> {
  const name = SERVICE_CHECK_NAMES.config;
  const mode = config.config;
  const variable = SERVICE_VARIABLES.config;
  try {
    const recorders = (
      (await configService.send(new DescribeConfigurationRecordersCommand({})))
        .ConfigurationRecorders ?? []
    ).filter((r) => r.servicePrincipal === undefined); // service-linked recorders do not collide
    if (recorders.length === 0)
      return absent(name, mode, 'AWS Config', variable, config.region, 'configuration recorder');
    const recorder = recorders[0].name ?? '(unnamed)';
    const ours = recorder === config.names.configRecorder;
    if (mode === 'on') {
      return ours
        ? { name, status: 'pass', detail: `the recorder ${recorder} is this baseline's` }
        : {
            name,
            status: 'fail',
            detail: alreadyRunsMessage(
              'AWS Config',
              `a configuration recorder (${recorder})`,
              variable,
            ),
            fix: `set ${variable}=organization (AWS Config allows one recorder per region)`,
          };
    }
    if (mode === 'organization') {
      const status = await configService.send(
        new DescribeConfigurationRecorderStatusCommand({ ConfigurationRecorderNames: [recorder] }),
      );
      const recording = status.ConfigurationRecordersStatus?.[0]?.recording === true;
      if (!ours && recording)
        return {
          name,
          status: 'pass',
          detail: `the organization's recorder ${recorder} is recording`,
        };
      return {
        name,
        status: 'fail',
        detail: ours
          ? `${variable}=organization, but the recorder ${recorder} is this baseline's own: switching would delete it`
          : organizationServiceMissingMessage('AWS Config', variable, config.region),
        fix: ours
          ? `keep ${variable}=on`
          : `have the organization start recording with ${recorder}, or set ${variable}=on`,
      };
    }
    return {
      name,
      status: 'pass',
      detail: `recorder ${recorder} exists; ${variable}=off: not managed here`,
    };
  } catch (e) {
    return notVerified(
      name,
      'AWS Config DescribeConfigurationRecorders',
      'config:DescribeConfigurationRecorders, config:DescribeConfigurationRecorderStatus',
      e,
    );
  }
}

export async function checkCloudTrail(
  config: BaselinePreflightConfig,
  cloudTrail: CloudTrailClient,
): Promise<CheckResult> {
  const name = SERVICE_CHECK_NAMES.cloudTrail;
  const mode = config.cloudTrail;
  const variable = SERVICE_VARIABLES.cloudTrail;
  try {
    const trails =
      (await cloudTrail.send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ??
      [];
    const organization = trails.find((t) => t.IsOrganizationTrail === true);
    const others = trails
      .filter((t) => t !== organization && t.Name !== config.names.trail)
      .map((t) => t.Name);
    const also =
      others.length > 0 ? `; also here, not managed by the baseline: ${others.join(', ')}` : '';
    if (mode === 'on') {
      return organization
        ? {
            name,
            status: 'fail',
            detail: alreadyRunsMessage(
              'CloudTrail',
              `an organization trail (${organization.Name})`,
              variable,
            ),
            fix: `set ${variable}=organization (a second trail records every event twice, and is billed twice)`,
          }
        : {
            name,
            status: 'pass',
            detail: `no organization trail: the baseline runs ${config.names.trail}${also}`,
          };
    }
    if (mode === 'organization') {
      return organization
        ? {
            name,
            status: 'pass',
            detail: `the organization trail ${organization.Name} records this account${also}`,
          }
        : absent(name, mode, 'CloudTrail', variable, config.region, 'organization trail');
    }
    return {
      name,
      status: 'pass',
      detail: `${variable}=off${also || ': no trail is watched here'}`,
    };
  } catch (e) {
    return notVerified(name, 'CloudTrail DescribeTrails', 'cloudtrail:DescribeTrails', e);
  }
}
