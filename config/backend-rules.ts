/**
 * The rules each remote-state setting must satisfy (terraform-backend.tf.json and its STATE_*
 * overrides): S3's and DynamoDB's naming rules, the key's placeholders, the KMS key forms
 * the bootstrap can serve. Read by config/backend.ts, which names the setting in each problem.
 */
import { ACCOUNT_ID_PATTERN } from './account';
import type { ConfigProblem } from './config';
import { isAwsRegion } from './regions';

/** Placeholders `key` may use: the environment suffix and the stack id. */
export const KEY_PLACEHOLDERS = ['environment', 'stack'] as const;
export type KeyPlaceholder = (typeof KEY_PLACEHOLDERS)[number];

export interface Rule {
  /** True when the value breaks the rule. */
  readonly fails: (value: string) => boolean;
  readonly rule: string;
}

export const NO_PLACEHOLDER: Rule = {
  fails: (v) => /[{}]/.test(v),
  rule: 'takes no placeholders: only `key` may contain {environment} or {stack}',
};

/** S3 bucket naming rules, plus "no dots" (dotted names break virtual-hosted HTTPS). */
export const BUCKET_RULES: readonly Rule[] = [
  NO_PLACEHOLDER,
  {
    fails: (v) => v.length < 3 || v.length > 63,
    rule: 'an S3 bucket name is 3 to 63 characters long',
  },
  {
    fails: (v) => !/^[a-z0-9-]*$/.test(v),
    rule: 'an S3 bucket name here contains only lowercase letters, digits and hyphens (dots are refused: the backend addresses the bucket as <bucket>.s3.<region>.amazonaws.com, whose HTTPS certificate does not cover dotted names)',
  },
  {
    fails: (v) => !/^[a-z0-9]/.test(v) || !/[a-z0-9]$/.test(v),
    rule: 'an S3 bucket name begins and ends with a lowercase letter or digit',
  },
  {
    fails: (v) => /^(xn--|sthree-|amzn-s3-demo-)/.test(v),
    rule: 'S3 reserves the prefixes xn--, sthree- and amzn-s3-demo-',
  },
  {
    fails: (v) => /(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(v),
    rule: 'S3 reserves the suffixes -s3alias, --ol-s3, --x-s3 and --table-s3',
  },
];

/** DynamoDB table naming rules. */
export const LOCK_TABLE_RULES: readonly Rule[] = [
  NO_PLACEHOLDER,
  {
    fails: (v) => v.length < 3 || v.length > 255,
    rule: 'a DynamoDB table name is 3 to 255 characters long',
  },
  {
    fails: (v) => !/^[A-Za-z0-9_.-]*$/.test(v),
    rule: 'a DynamoDB table name contains only letters, digits, underscore, hyphen and dot ([A-Za-z0-9_.-])',
  },
];

export const REGION_RULES: readonly Rule[] = [
  {
    fails: (v) => !isAwsRegion(v),
    rule: 'must be a commercial AWS region such as eu-west-1 or us-east-1 (config/regions.ts)',
  },
];

export const STATE_ACCOUNT_RULES: readonly Rule[] = [
  {
    fails: (v) => !ACCOUNT_ID_PATTERN.test(v),
    rule: 'must be the 12-digit id of the account that holds the state bucket, e.g. 123456789012 (unset: the account each stack deploys to)',
  },
];

export const KMS_KEY_ARN_ACCOUNT = /^arn:[a-z-]+:kms:[a-z0-9-]+:(\d{12}):key\//;
export const KMS_ALIAS = /^alias\/[A-Za-z0-9/_-]+$/;
export const KMS_KEY_ARN =
  /^arn:aws(?:-[a-z]+)*:kms:([a-z0-9-]+):\d{12}:key\/(?:[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}|mrk-[a-f0-9]{32})$/;

/**
 * What Terraform's S3 backend accepts (key id, alias name, key or alias ARN), narrowed
 * to what the bootstrap stack can serve: an alias it creates, or an existing key's ARN
 * (DynamoDB encryption needs an ARN, and an alias ARN would drift).
 */
export const KMS_KEY_RULES: readonly Rule[] = [
  NO_PLACEHOLDER,
  {
    fails: (v) => !KMS_ALIAS.test(v) && !KMS_KEY_ARN.test(v),
    rule: 'must be a KMS alias name such as alias/healthcare-platform-tfstate (created by the bootstrap stack) or the ARN of an existing key (arn:aws:kms:<region>:<account>:key/<key id>)',
  },
  {
    fails: (v) => v.startsWith('alias/aws/'),
    rule: 'alias/aws/ names AWS managed keys, whose policy cannot be set; use a customer managed key',
  },
  { fails: (v) => v.length > 256, rule: 'a KMS alias name is at most 256 characters long' },
];

/** STATE_KMS_KEY_ARN: the bootstrap's output `state_kms_key_arn`, a key ARN and nothing else. */
export const STATE_KEY_ARN_RULES: readonly Rule[] = [
  {
    fails: (v) => !KMS_KEY_ARN.test(v),
    rule: "must be the state key's ARN, arn:aws:kms:<region>:<12-digit account>:key/<key id or mrk-…>: TapStateBackend's output state_kms_key_arn (not an alias, alias ARN or bare key id)",
  },
];

/**
 * How STATE_KMS_KEY_ARN (already well-formed) fits the other state settings: only with
 * central state, in the state account and the bucket's region, and only when kms_key_id
 * names the key by alias (a key ARN there already names it for every stack).
 */
export function stateKeyArnProblems(
  keyArn: string,
  state: {
    readonly accountId?: string;
    readonly region?: string;
    readonly kmsKeyId?: string;
    /** Where kms_key_id came from: STATE_KMS_KEY_ID or the file's field. */
    readonly kmsKeyIdSetting: string;
  },
): ConfigProblem[] {
  const setting = 'STATE_KMS_KEY_ARN';
  const [, region, account] = /^arn:[a-z-]+:kms:([a-z0-9-]+):(\d{12}):/.exec(keyArn) ?? [];
  const problems: ConfigProblem[] = [];
  if (state.accountId === undefined) {
    problems.push({
      setting,
      value: keyArn,
      rule: 'is only for central state: set it only with STATE_ACCOUNT_ID (in one account every stack names the key as kms_key_id does)',
    });
  } else if (account !== state.accountId) {
    problems.push({
      setting,
      value: keyArn,
      rule: `the key is in account ${account}, but STATE_ACCOUNT_ID says the state is in ${state.accountId}: use the output state_kms_key_arn of the TapStateBackend deployed there`,
    });
  }
  if (state.region !== undefined && region !== state.region) {
    problems.push({
      setting,
      value: keyArn,
      rule: `the key must be in the state bucket's region ${state.region}, not ${region}`,
    });
  }
  if (state.kmsKeyId !== undefined && KMS_KEY_ARN.test(state.kmsKeyId)) {
    problems.push({
      setting,
      value: keyArn,
      rule: `conflicts with ${state.kmsKeyIdSetting} = "${state.kmsKeyId}", which already names the key by its ARN: unset ${setting}, or name the bootstrap's alias in ${state.kmsKeyIdSetting}`,
    });
  }
  return problems;
}

export const PLACEHOLDER = /\{([^{}]*)\}/g;

export const KEY_RULES: readonly Rule[] = [
  {
    fails: (v) =>
      [...v.matchAll(PLACEHOLDER)].some(
        (m) => !(KEY_PLACEHOLDERS as readonly string[]).includes(m[1]),
      ),
    rule: `uses an unknown placeholder; the known ones are ${KEY_PLACEHOLDERS.map((p) => `{${p}}`).join(' and ')}`,
  },
  {
    fails: (v) => !v.includes('{stack}') && !v.includes('{environment}'),
    rule: 'must contain {stack} or {environment}, so that every stack keeps its own state object',
  },
  {
    fails: (v) => !/^[A-Za-z0-9/_.-]*$/.test(v.replace(PLACEHOLDER, '')),
    rule: 'contains only letters, digits, "/", "_", "." and "-" besides the placeholders',
  },
  {
    fails: (v) => v.startsWith('/') || v.endsWith('/') || v.includes('//'),
    rule: 'must not start or end with "/" nor contain "//" (Terraform refuses such keys)',
  },
];

export function check(
  problems: ConfigProblem[],
  setting: string,
  value: string,
  rules: readonly Rule[],
): boolean {
  const failed = rules.filter((r) => r.fails(value));
  for (const r of failed) problems.push({ setting, value, rule: r.rule });
  return failed.length === 0;
}
