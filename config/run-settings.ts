/**
 * Settings read once per run that hold a value per environment: the account pins, VPC
 * ranges, custom domains and deploy roles, each parsed once and picked per environment.
 */
import { parseAccountIds, ParsedAccountIds } from './account';
import { ParsedApiDomains, readApiDomains } from './api-domain';
import type { Ipv4Cidr } from './cidr';
import {
  DeployRole,
  deployRoleFor,
  EXTERNAL_ID_PATTERN,
  EXTERNAL_ID_RULE,
  ROLE_ARN_PATTERN,
  ROLE_ARN_RULE,
} from './deploy-role';
import { readVpcRanges } from './network-settings';
import { parsePerEnvironment, PerEnvironment } from './per-environment';
import { ConfigSources, Reader } from './reader';
import type { SettingKey } from './settings';

/** Settings read once per run that hold a value per environment. */
export interface RunSettings {
  readonly accounts: ParsedAccountIds;
  readonly vpcRanges: PerEnvironment<Ipv4Cidr>;
  readonly domains: ParsedApiDomains;
  readonly deployRoles: PerEnvironment<string>;
  readonly externalIds: PerEnvironment<string>;
}

/** Reads every per-run setting; problems go to the reader. */
export function readRunSettings(reader: Reader): RunSettings {
  return {
    accounts: readAccountIds(reader),
    vpcRanges: readVpcRanges(reader),
    domains: readApiDomains(reader),
    deployRoles: readPerEnvironmentText(
      reader,
      'deployRoleArn',
      ROLE_ARN_PATTERN,
      ROLE_ARN_RULE,
      'arn:aws:iam::222222222222:role/healthcare-deploy',
    ),
    externalIds: readPerEnvironmentText(
      reader,
      'deployExternalId',
      EXTERNAL_ID_PATTERN,
      EXTERNAL_ID_RULE,
      'healthcare-prod',
    ),
  };
}

/** A per-environment text setting checked by `pattern` (DEPLOY_ROLE_ARN, DEPLOY_EXTERNAL_ID). */
function readPerEnvironmentText(
  reader: Reader,
  key: SettingKey,
  pattern: RegExp,
  rule: string,
  example: string,
): PerEnvironment<string> {
  const raw = reader.raw(key);
  if (!raw) return { byEnvironment: {}, problems: [] };
  const parsed = parsePerEnvironment<string>(
    raw.value,
    (text) => (pattern.test(text) ? { value: text } : { rule: `must be ${rule}` }),
    example,
  );
  for (const problem of parsed.problems) reader.fail(raw.label, problem.value, problem.rule);
  return parsed;
}

/** The role the environment's provider assumes, checked against its pinned account. */
export function readDeployRole(
  reader: Reader,
  environment: string,
  run: RunSettings,
  pinnedAccount: string | undefined,
): DeployRole | undefined {
  const pick = (p: PerEnvironment<string>) => p.byEnvironment[environment] ?? p.all;
  const role = deployRoleFor(
    environment,
    pick(run.deployRoles),
    pick(run.externalIds),
    pinnedAccount,
  );
  if (role === undefined || 'roleArn' in role) return role;
  const raw = reader.raw('deployRoleArn') ?? reader.raw('deployExternalId')!;
  reader.fail(raw.label, raw.value, role.rule);
  return undefined;
}

/**
 * The account of each environment AWS_ACCOUNT_ID names in its pair form, whatever this run
 * synthesizes: the state bootstrap admits their roles. Problems are loadConfigs' to report.
 */
export function readEnvironmentAccounts(sources: ConfigSources): Record<string, string> {
  const raw = new Reader(sources).raw('accountId');
  return raw ? { ...parseAccountIds(raw.value).byEnvironment } : {};
}

function readAccountIds(reader: Reader): ParsedAccountIds {
  const raw = reader.raw('accountId');
  if (!raw) return { byEnvironment: {}, problems: [] };
  const parsed = parseAccountIds(raw.value);
  for (const problem of parsed.problems) reader.fail(raw.label, problem.value, problem.rule);
  return parsed;
}
