/**
 * The secrets a Terraform state holds, read from `terraform state pull` (format 4): every
 * value at a path the state marks sensitive (`sensitive_attributes`), and, per resource
 * type that can carry a credential, whether it does here and why (for the e2e report).
 * Pure: the caller pulls the state and never writes it to a log.
 */
import { SecretValue } from './secret-scan';

/** Attributes that carry a credential when set, per resource type, with what they are. */
export const SECRET_ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  aws_db_instance: { password: 'RDS master password', password_wo: 'RDS master password' },
  aws_rds_cluster: { master_password: 'Aurora master password' },
  aws_elasticache_replication_group: { auth_token: 'Redis AUTH token' },
  aws_elasticache_user: { passwords: 'ElastiCache user passwords' },
  aws_secretsmanager_secret_version: {
    secret_string: 'Secrets Manager secret value',
    secret_binary: 'Secrets Manager secret value',
  },
  aws_iam_access_key: { secret: 'IAM secret access key' },
  aws_ssm_parameter: { value: 'SSM parameter value' },
  random_password: { result: 'generated password' },
};

/** One credential-bearing attribute of one resource in a state. */
export interface StateSecretEntry {
  readonly stack: string;
  readonly address: string;
  readonly attribute: string;
  readonly what: string;
  readonly inState: boolean;
  readonly why: string;
}

export interface StateSecrets {
  /** Values to search for (sensitive paths and credential attributes with a value). */
  readonly values: readonly SecretValue[];
  /** Per credential-bearing attribute: in state or not, and why. */
  readonly entries: readonly StateSecretEntry[];
}

interface StateInstance {
  index_key?: string | number;
  attributes?: Record<string, unknown>;
  sensitive_attributes?: unknown[];
}

interface StateResource {
  mode?: string;
  type: string;
  name: string;
  module?: string;
  instances?: StateInstance[];
}

function addressOf(r: StateResource, i: StateInstance): string {
  const base = [r.module, r.mode === 'data' ? 'data' : undefined, r.type, r.name]
    .filter(Boolean)
    .join('.');
  if (i.index_key === undefined) return base;
  return `${base}[${typeof i.index_key === 'string' ? JSON.stringify(i.index_key) : i.index_key}]`;
}

/** A `sensitive_attributes` path as attribute steps: [{type:get_attr,value:x}, {type:index,…}]. */
function stepsOf(pathValue: unknown): Array<string | number> {
  const steps = Array.isArray(pathValue) ? pathValue : [pathValue];
  return steps.map((step) => {
    if (step && typeof step === 'object') {
      const v = (step as { value?: unknown }).value;
      if (v && typeof v === 'object') return (v as { value: string | number }).value;
      return v as string | number;
    }
    return step as string | number;
  });
}

function valueAt(value: unknown, steps: ReadonlyArray<string | number>): unknown {
  let current = value;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

function stringLeaves(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (Array.isArray(value)) return value.flatMap(stringLeaves);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringLeaves);
  return [];
}

function hasValue(value: unknown): boolean {
  return stringLeaves(value).length > 0;
}

/** Why an RDS instance's master password is (not) in state. */
function rdsWhy(attributes: Record<string, unknown>, inState: boolean): string {
  const managed = attributes.manage_master_user_password === true;
  const secret = (attributes.master_user_secret as Array<{ secret_arn?: string }> | undefined)?.[0];
  if (!inState && managed && secret?.secret_arn)
    return 'RDS manages it in Secrets Manager (manage_master_user_password); state holds the secret ARN only';
  if (!inState) return 'no password attribute is set';
  return 'a password attribute is set: it is stored in state in clear text';
}

function entryWhy(type: string, attributes: Record<string, unknown>, inState: boolean): string {
  if (type === 'aws_db_instance') return rdsWhy(attributes, inState);
  return inState
    ? 'the attribute has a value: Terraform stores it in state in clear text'
    : 'the attribute is not set';
}

/** Reads one pulled state: values at sensitive paths and the credential-attribute inventory. */
export function stateSecrets(stack: string, stateJson: string): StateSecrets {
  const state = JSON.parse(stateJson) as { resources?: StateResource[] };
  const values: SecretValue[] = [];
  const entries: StateSecretEntry[] = [];
  for (const r of state.resources ?? []) {
    for (const instance of r.instances ?? []) {
      const address = addressOf(r, instance);
      const attributes = instance.attributes ?? {};
      for (const p of instance.sensitive_attributes ?? []) {
        const steps = stepsOf(p);
        for (const leaf of stringLeaves(valueAt(attributes, steps)))
          values.push({ label: `${stack} ${address}.${steps.join('.')} (state)`, value: leaf });
      }
      for (const [attribute, what] of Object.entries(SECRET_ATTRIBUTES[r.type] ?? {})) {
        if (!(attribute in attributes)) continue;
        const inState = hasValue(attributes[attribute]);
        for (const leaf of stringLeaves(attributes[attribute]))
          values.push({ label: `${stack} ${address}.${attribute} (state)`, value: leaf });
        entries.push({
          stack,
          address,
          attribute,
          what,
          inState,
          why: entryWhy(r.type, attributes, inState),
        });
      }
    }
  }
  return { values: dedupe(values), entries };
}

function dedupe(values: readonly SecretValue[]): SecretValue[] {
  const seen = new Set<string>();
  return values.filter((v) => (seen.has(v.value) ? false : (seen.add(v.value), true)));
}

/** Report lines: one per credential-bearing attribute, e.g. "RDS master password: not in state: …". */
export function formatStateSecrets(entries: readonly StateSecretEntry[]): string[] {
  const unique = new Map<string, StateSecretEntry>();
  for (const e of entries) unique.set(`${e.stack} ${e.address}.${e.attribute}`, e);
  return [...unique.entries()].map(
    ([where, e]) => `${e.what} (${where}): ${e.inState ? 'IN STATE' : 'not in state'}: ${e.why}`,
  );
}
