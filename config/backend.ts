/**
 * Remote state: terraform-backend.tf.json is the one reviewable description of where
 * every platform stack keeps its state. It is read once, validated, and overridden
 * from the environment (for another account, or an S3 emulator); applyStateBackend
 * then writes the same settings into each stack's `terraform.backend.s3` block.
 *
 * Endpoints are never written: Terraform's S3 backend (1.6+) reads AWS_ENDPOINT_URL,
 * AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_STS itself, so
 * the same JSON works against AWS and against the local emulator.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LocalBackend, S3Backend, TerraformBackend, TerraformStack } from 'cdktf';
import { BLANK_RULE, ConfigError, ConfigProblem, ConfigSources, PlatformConfig } from './config';
import type { AwsRegion } from './regions';
import {
  BUCKET_RULES,
  check,
  KeyPlaceholder,
  KEY_RULES,
  KMS_KEY_ARN,
  KMS_KEY_ARN_ACCOUNT,
  KMS_KEY_RULES,
  LOCK_TABLE_RULES,
  PLACEHOLDER,
  REGION_RULES,
  Rule,
  STATE_ACCOUNT_RULES,
  STATE_KEY_ARN_RULES,
  stateKeyArnProblems,
} from './backend-rules';

export * from './backend-rules';

/** The folder holding package.json, cdktf.json and terraform-backend.tf.json. */
export const PROJECT_ROOT = findProjectRoot(__dirname);

/**
 * The nearest folder at or above `start` holding cdktf.json. Not simply `..`: the app
 * command bundles main.ts (tools/synth/run-app.cjs), where __dirname is the project root.
 */
export function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'cdktf.json'))) return dir;
    if (dirname(dir) === dir) return resolve(start, '..');
  }
}
export const STATE_BACKEND_FILE_NAME = 'terraform-backend.tf.json';
export const STATE_BACKEND_FILE = join(PROJECT_ROOT, STATE_BACKEND_FILE_NAME);

/** The environment variables that override the file. */
export const STATE_ENV = {
  backend: 'STATE_BACKEND',
  bucket: 'STATE_BUCKET',
  lockTable: 'STATE_LOCK_TABLE',
  region: 'STATE_REGION',
  kmsKeyId: 'STATE_KMS_KEY_ID',
  usePathStyle: 'STATE_USE_PATH_STYLE',
  accountId: 'STATE_ACCOUNT_ID',
  kmsKeyArn: 'STATE_KMS_KEY_ARN',
} as const;

/** The bootstrap stack's id (`cdktf deploy TapStateBackend`). Part of the contract: its local state file's name. */
export const STATE_BACKEND_STACK_ID = 'TapStateBackend';

/** Where the state lives: the S3 bucket, or local files (experiments only). */
export type StateBackendKind = 's3' | 'local';
export const STATE_BACKEND_KINDS: readonly StateBackendKind[] = ['s3', 'local'];

/** The S3 backend's settings after validation and environment overrides. */
export interface S3StateSettings {
  readonly bucket: string;
  /** The object key with {environment}/{stack} placeholders; see stateKey(). */
  readonly keyPattern: string;
  readonly region: AwsRegion;
  /** DynamoDB lock table (deprecated by Terraform 1.11, still supported); none when unset. */
  readonly dynamodbTable?: string;
  /** Always true: the loader refuses unencrypted state. */
  readonly encrypt: boolean;
  /** An alias name (`alias/...`, created by the bootstrap stack) or the ARN of an existing key. */
  readonly kmsKeyId: string;
  /** S3-native lock file (`<key>.tflock`). */
  readonly useLockfile: boolean;
  /** Path-style S3 URLs, for emulators; written only when the file or STATE_USE_PATH_STYLE sets it. */
  readonly usePathStyle?: boolean;
  /**
   * The account that holds the state (STATE_ACCOUNT_ID): set when environments live in other
   * accounts. Their stacks then name the key by its ARN (S3 resolves an alias name in the
   * caller's account) and lock with the S3 lock file only (a DynamoDB table is not reachable
   * from another account without a resource policy).
   */
  readonly accountId?: string;
  /**
   * The state key's ARN (STATE_KMS_KEY_ARN, the bootstrap's output `state_kms_key_arn`): with
   * central state and an alias `kmsKeyId`, how every stack but the bootstrap names the key.
   * S3 takes only a key ARN for a key of another account. Unset until the bootstrap is deployed;
   * see stacksAwaitingStateKey.
   */
  readonly keyArn?: string;
}

export interface StateBackendSettings {
  readonly kind: StateBackendKind;
  /** Always validated, also in local mode: the bootstrap stack creates these resources. */
  readonly s3: S3StateSettings;
  /** Local mode and the bootstrap stack keep `terraform.<stack>.tfstate` here. */
  readonly localStateDirectory: string;
}

export interface LoadStateBackendOptions {
  /** @default STATE_BACKEND_FILE (terraform-backend.tf.json at the project root) */
  readonly file?: string;
  /** @default PROJECT_ROOT */
  readonly localStateDirectory?: string;
  /** @default writes the message and a newline to stderr */
  readonly warn?: (message: string) => void;
}

const FIELD = (name: string) => `${STATE_BACKEND_FILE_NAME} terraform.backend.s3.${name}`;
const SUPPORTED_FIELDS = [
  'bucket',
  'key',
  'region',
  'dynamodb_table',
  'encrypt',
  'kms_key_id',
  'use_lockfile',
  'use_path_style',
] as const;
type Field = (typeof SUPPORTED_FIELDS)[number];

const show = (value: unknown): string =>
  typeof value === 'string' ? value : JSON.stringify(value);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks the document's shape; returns the `s3` block, or undefined after recording why not. */
function s3Block(
  document: unknown,
  problems: ConfigProblem[],
): Record<string, unknown> | undefined {
  const levels: Array<{ at: string; allowed: string[]; next: string }> = [
    { at: '(top level)', allowed: ['//', 'terraform'], next: 'terraform' },
    { at: 'terraform', allowed: ['backend'], next: 'backend' },
    { at: 'terraform.backend', allowed: ['s3'], next: 's3' },
  ];
  let node: unknown = document;
  for (const level of levels) {
    if (!isObject(node)) break;
    for (const key of Object.keys(node).filter((k) => !level.allowed.includes(k))) {
      problems.push({
        setting: `${STATE_BACKEND_FILE_NAME} ${level.at}`,
        value: key,
        rule: `unexpected key; the file holds only ${level.allowed.map((a) => `"${a}"`).join(' and ')} here`,
      });
    }
    node = node[level.next];
  }
  if (!isObject(node)) {
    problems.push({
      setting: STATE_BACKEND_FILE_NAME,
      value: show(document),
      rule: 'must be Terraform JSON of the shape {"terraform": {"backend": {"s3": {...}}}}',
    });
    return undefined;
  }
  return node;
}

/**
 * Validates the document read from terraform-backend.tf.json and applies the
 * environment overrides. Throws ConfigError listing every problem.
 */
export function resolveStateBackend(
  document: unknown,
  env: ConfigSources['env'],
  options: Omit<LoadStateBackendOptions, 'file'> = {},
): StateBackendSettings {
  const problems: ConfigProblem[] = [];
  const warn = options.warn ?? ((message: string) => process.stderr.write(`${message}\n`));
  const block = s3Block(document, problems) ?? {};

  for (const name of Object.keys(block).filter(
    (k) => !(SUPPORTED_FIELDS as readonly string[]).includes(k),
  )) {
    problems.push({
      setting: FIELD(name),
      value: show(block[name]),
      rule: `is not a setting this project reads; supported: ${SUPPORTED_FIELDS.join(', ')}`,
    });
  }

  const text = (name: Field, required: boolean, rules: readonly Rule[]): string | undefined => {
    const value = block[name];
    if (value === undefined) {
      if (required) problems.push({ setting: FIELD(name), value: undefined, rule: 'is required' });
      return undefined;
    }
    if (typeof value !== 'string') {
      problems.push({ setting: FIELD(name), value: show(value), rule: 'must be a string' });
      return undefined;
    }
    return check(problems, FIELD(name), value, rules) ? value : undefined;
  };
  const flag = (name: Field): boolean | undefined => {
    const value = block[name];
    if (value === undefined || typeof value === 'boolean') return value;
    problems.push({
      setting: FIELD(name),
      value: show(value),
      rule: 'must be true or false (a JSON boolean)',
    });
    return undefined;
  };
  // A variable that is set but blank (a CI variable that expanded to nothing) is refused,
  // never read as "use the file's value".
  const present = (variable: string): string | undefined => {
    const value = env[variable]?.trim();
    if (value === '') problems.push({ setting: variable, value: '', rule: BLANK_RULE });
    return value === '' ? undefined : value;
  };
  const override = (variable: string, rules: readonly Rule[]): string | undefined => {
    const value = present(variable);
    if (value === undefined) return undefined;
    return check(problems, variable, value, rules) ? value : undefined;
  };
  const choice = <T extends string>(variable: string, allowed: readonly T[]): T | undefined => {
    const value = present(variable);
    if (value === undefined) return undefined;
    const match = allowed.find((a) => a === value.toLowerCase());
    if (match === undefined) {
      problems.push({ setting: variable, value, rule: `must be one of ${allowed.join(', ')}` });
    }
    return match;
  };

  const bucket = override(STATE_ENV.bucket, BUCKET_RULES) ?? text('bucket', true, BUCKET_RULES);
  const keyPattern = text('key', true, KEY_RULES);
  const region = override(STATE_ENV.region, REGION_RULES) ?? text('region', true, REGION_RULES);
  const dynamodbTable =
    override(STATE_ENV.lockTable, LOCK_TABLE_RULES) ??
    text('dynamodb_table', false, LOCK_TABLE_RULES);
  const kmsKeyId =
    override(STATE_ENV.kmsKeyId, KMS_KEY_RULES) ?? text('kms_key_id', true, KMS_KEY_RULES);
  const accountId = override(STATE_ENV.accountId, STATE_ACCOUNT_RULES);
  const keyArn = override(STATE_ENV.kmsKeyArn, STATE_KEY_ARN_RULES);
  const encrypt = flag('encrypt');
  const useLockfile = flag('use_lockfile') ?? false;
  const pathStyleOverride = choice(STATE_ENV.usePathStyle, ['true', 'false'] as const);
  const usePathStyle =
    pathStyleOverride !== undefined ? pathStyleOverride === 'true' : flag('use_path_style');
  const kind = choice(STATE_ENV.backend, STATE_BACKEND_KINDS) ?? 's3';
  if (
    accountId !== undefined &&
    keyPattern !== undefined &&
    !environmentPrefix(keyPattern, 'env')
  ) {
    problems.push({
      setting: FIELD('key'),
      value: keyPattern,
      rule: "with central state (STATE_ACCOUNT_ID) the key must keep each environment in a folder of its own, e.g. healthcare/{environment}/{stack}.tfstate, so that an account can be given its environment's folder only",
    });
  }
  const keyAccount = kmsKeyId ? KMS_KEY_ARN_ACCOUNT.exec(kmsKeyId)?.[1] : undefined;
  if (accountId !== undefined && keyAccount !== undefined && keyAccount !== accountId) {
    problems.push({
      setting: env[STATE_ENV.kmsKeyId]?.trim() ? STATE_ENV.kmsKeyId : FIELD('kms_key_id'),
      value: kmsKeyId!,
      rule: `the state key is in account ${keyAccount}, but STATE_ACCOUNT_ID says the state is in ${accountId}: name the state account's key (or its alias, with ${STATE_ENV.kmsKeyArn} set to the key's ARN once the bootstrap is deployed)`,
    });
  }
  if (keyArn !== undefined) {
    problems.push(
      ...stateKeyArnProblems(keyArn, {
        accountId,
        region,
        kmsKeyId,
        kmsKeyIdSetting: env[STATE_ENV.kmsKeyId]?.trim() ? STATE_ENV.kmsKeyId : FIELD('kms_key_id'),
      }),
    );
  }
  if (accountId !== undefined && !useLockfile) {
    problems.push({
      setting: STATE_ENV.accountId,
      value: accountId,
      rule: 'state in a central account is locked with the S3 lock file only: set use_lockfile to true in terraform-backend.tf.json',
    });
  }

  if (encrypt === false || block.encrypt === undefined) {
    problems.push({
      setting: FIELD('encrypt'),
      value: show(block.encrypt ?? ''),
      rule: 'must be true: state records where PHI lives and may hold sensitive attributes',
    });
  }
  if (!useLockfile && block.dynamodb_table === undefined && !env[STATE_ENV.lockTable]?.trim()) {
    problems.push({
      setting: FIELD('use_lockfile'),
      value: show(block.use_lockfile ?? ''),
      rule: 'state must be locked: set use_lockfile to true, or name a dynamodb_table (or STATE_LOCK_TABLE)',
    });
  }
  const keyRegion = kmsKeyId ? KMS_KEY_ARN.exec(kmsKeyId)?.[1] : undefined;
  if (keyRegion !== undefined && region !== undefined && keyRegion !== region) {
    problems.push({
      setting: env[STATE_ENV.kmsKeyId]?.trim() ? STATE_ENV.kmsKeyId : FIELD('kms_key_id'),
      value: kmsKeyId!,
      rule: `the key must be in the state bucket's region ${region}, not ${keyRegion}`,
    });
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const s3: S3StateSettings = {
    bucket: bucket!,
    keyPattern: keyPattern!,
    region: region as AwsRegion,
    ...(dynamodbTable !== undefined ? { dynamodbTable } : {}),
    encrypt: true,
    kmsKeyId: kmsKeyId!,
    useLockfile,
    ...(usePathStyle !== undefined ? { usePathStyle } : {}),
    ...(accountId !== undefined ? { accountId } : {}),
    ...(keyArn !== undefined ? { keyArn } : {}),
  };
  const localStateDirectory = options.localStateDirectory ?? PROJECT_ROOT;

  if (kind === 'local') {
    warn(
      `WARNING: ${STATE_ENV.backend}=local keeps Terraform state in local files (${join(localStateDirectory, 'terraform.<stack>.tfstate')}). ` +
        'NOT FOR SHARED ENVIRONMENTS: that state is not shared, not locked across machines, not versioned and not encrypted with the state key. ' +
        `Use it only to try the platform without an AWS account; unset ${STATE_ENV.backend} to use the S3 backend.`,
    );
  } else if ((env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL) && s3.usePathStyle !== true) {
    warn(
      `WARNING: an S3 endpoint override is set (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL) but path-style addressing is off; ` +
        `emulators such as moto usually need ${STATE_ENV.usePathStyle}=true.`,
    );
  }
  return { kind, s3, localStateDirectory };
}

/** Reads terraform-backend.tf.json once and resolves it; see resolveStateBackend. */
export function loadStateBackend(
  sources: ConfigSources,
  options: LoadStateBackendOptions = {},
): StateBackendSettings {
  const file = options.file ?? STATE_BACKEND_FILE;
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError([
      {
        setting: STATE_BACKEND_FILE_NAME,
        value: file,
        rule: `must be a readable file of valid JSON (${(error as Error).message})`,
      },
    ]);
  }
  return resolveStateBackend(document, sources.env, options);
}

/**
 * The object-key prefix of one environment's state: the key pattern up to the folder that
 * holds `{stack}`, with `{environment}` filled in; undefined when the pattern does not keep
 * each environment under a folder of its own (then no prefix can scope it).
 */
export function environmentPrefix(keyPattern: string, environment: string): string | undefined {
  const stackAt = keyPattern.indexOf('{stack}');
  const head = stackAt >= 0 ? keyPattern.slice(0, stackAt) : keyPattern;
  const folder = head.slice(0, head.lastIndexOf('/') + 1);
  if (!folder.includes('{environment}')) return undefined;
  return folder.replace(/\{environment\}/g, environment);
}

/**
 * How a stack other than the bootstrap names the state key: as configured, except that with
 * central state an alias name gives way to the key's ARN (STATE_KMS_KEY_ARN). S3 resolves an
 * alias in the caller's account and takes only a key ARN for a key of another account
 * (PutObject: "If the KMS key doesn't exist in the same account that's issuing the command,
 * you must use the full Key ARN not the Key ID"). Throws when that ARN is not known yet: the
 * app then synthesizes the bootstrap alone (stacksAwaitingStateKey).
 */
export function stateKeyId(s3: S3StateSettings): string {
  if (s3.accountId === undefined || !s3.kmsKeyId.startsWith('alias/')) return s3.kmsKeyId;
  if (s3.keyArn === undefined) {
    throw new Error(
      `no stack but ${STATE_BACKEND_STACK_ID} can name the state key yet: ${stacksAwaitingStateKey(s3)}`,
    );
  }
  return s3.keyArn;
}

/**
 * Why the app synthesizes TapStateBackend alone: central state with the key named by its
 * alias, and STATE_KMS_KEY_ARN not set (the key's ARN exists only once the bootstrap is
 * deployed). Undefined when every stack can be synthesized. The synth note and the
 * commands' refusal of another stack (tools/deploy selectStack) both print it.
 */
export function stacksAwaitingStateKey(s3: S3StateSettings): string | undefined {
  if (s3.accountId === undefined || !s3.kmsKeyId.startsWith('alias/') || s3.keyArn !== undefined) {
    return undefined;
  }
  return (
    `${STATE_ENV.kmsKeyArn} is not set. With central state (${STATE_ENV.accountId}=${s3.accountId}) every stack but ${STATE_BACKEND_STACK_ID} ` +
    `names the state key by its key ARN (S3 requires it for a key in another account), and ${s3.kmsKeyId} has none until the bootstrap exists: ` +
    `deploy ${STATE_BACKEND_STACK_ID}, then set ${STATE_ENV.kmsKeyArn} to its output state_kms_key_arn`
  );
}

/** The object key of one stack's state: the pattern with its placeholders filled in. */
export function stateKey(
  s3: S3StateSettings,
  values: Readonly<Record<KeyPlaceholder, string>>,
): string {
  return s3.keyPattern.replace(PLACEHOLDER, (_, name: KeyPlaceholder) => values[name]);
}

/** Where local mode (and the bootstrap stack) keeps a stack's state. */
export function localStatePath(settings: StateBackendSettings, stackId: string): string {
  return join(settings.localStateDirectory, `terraform.${stackId}.tfstate`);
}

/**
 * Configures the stack's backend: S3 with the key for this stack and environment, or
 * local files in local mode. The `{stack}` placeholder is the stack's construct id.
 */
export function applyStateBackend(
  stack: TerraformStack,
  settings: StateBackendSettings,
  config: Pick<PlatformConfig, 'environment'>,
): TerraformBackend {
  const stackId = stack.node.id;
  if (settings.kind === 'local') {
    return new LocalBackend(stack, { path: localStatePath(settings, stackId) });
  }
  const s3 = settings.s3;
  // Central state (STATE_ACCOUNT_ID): the S3 lock file only, and the key by its key ARN.
  const central = s3.accountId !== undefined;
  const backend = new S3Backend(stack, {
    bucket: s3.bucket,
    key: stateKey(s3, { environment: config.environment, stack: stackId }),
    region: s3.region,
    ...(s3.dynamodbTable !== undefined && !central ? { dynamodbTable: s3.dynamodbTable } : {}),
    encrypt: s3.encrypt,
    kmsKeyId: stateKeyId(s3),
    ...(s3.usePathStyle !== undefined ? { usePathStyle: s3.usePathStyle } : {}),
  });
  // cdktf 0.21's S3BackendConfig predates use_lockfile (Terraform 1.10+): add it verbatim.
  backend.addOverride('use_lockfile', s3.useLockfile);
  return backend;
}
