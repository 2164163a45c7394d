/** The vocabulary of the policy engine: rules, the resources they read, and their results. */

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export type Status = 'PASS' | 'FAIL' | 'WAIVED';
/** The settings profile a stack was synthesized with (config/config.ts `Profile`). */
export type PolicyProfile = 'production' | 'standard';

/** The public controls a rule restates, so a reviewer can map it to a framework. */
export interface ControlRefs {
  /** Checkov check id, e.g. `CKV_AWS_16`. */
  readonly checkov?: string;
  /** AWS Config managed rule name, e.g. `rds-storage-encrypted`. */
  readonly configRule?: string;
  /** AWS Security Hub (CSPM) control id, e.g. `RDS.3`. */
  readonly securityHub?: string;
  /** HIPAA Security Rule citation, e.g. `164.312(a)(2)(iv)`. */
  readonly hipaa?: string;
}

/**
 * One resource (or data source) of a synthesized stack; a provider configuration is listed
 * as `mode: 'provider'` (address `provider.aws`, or `provider.aws.<alias>`), so rules can read
 * its default tags.
 */
export interface TfResource {
  readonly mode: 'managed' | 'data' | 'provider';
  readonly type: string;
  readonly name: string;
  /** Terraform address: `aws_db_instance.database_db_ABC` or `data.aws_iam_policy_document.x`. */
  readonly address: string;
  /** The construct path from cdktf's `//` metadata, when present. */
  readonly constructPath?: string;
  /** Attributes as synthesized, without the `//` metadata. */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Rule id → reason, from `//.policy_waivers` (constructs/policy/waiver.ts). */
  readonly waivers: Readonly<Record<string, string>>;
}

/** A normalized IAM policy statement (from JSON, `jsonencode(...)` or `aws_iam_policy_document`). */
export interface PolicyStatement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  /** `'*'` for `"Principal": "*"`; otherwise every principal identifier, `*` included. */
  readonly principals: '*' | readonly string[] | undefined;
  readonly hasCondition: boolean;
  /** Each condition as `{test, variable, values}` (JSON `Condition` flattened). */
  readonly conditions: readonly PolicyCondition[];
}

export interface PolicyCondition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

export type ParsedPolicy =
  | { readonly ok: true; readonly statements: readonly PolicyStatement[] }
  | { readonly ok: false; readonly reason: string };

export interface RuleContext {
  readonly stackName: string;
  readonly profile: PolicyProfile;
  readonly resources: readonly TfResource[];
  /** Managed resources (and, with `data.` prefix, data sources) of one type. */
  ofType(type: string): readonly TfResource[];
  /** The resource a value points at (`${aws_kms_key.k.arn}` → the key), if it is a reference. */
  resolve(value: unknown): TfResource | undefined;
  /** Resources of `type` whose attribute `attr` references `target`. */
  referencing(type: string, attr: string, target: TfResource): readonly TfResource[];
  /** Parses an IAM/resource policy document attribute. */
  policy(value: unknown): ParsedPolicy;
}

export interface CheckResult {
  readonly pass: boolean;
  readonly detail: string;
}

export interface Rule {
  /** `HIPAA-<FAMILY>-<NNN>`; never reused once published. */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  /** Terraform types the rule reads; data sources are written `data.<type>`, providers `provider.<name>`. */
  readonly resourceTypes: readonly string[];
  readonly control: ControlRefs;
  /** Only in this profile (e.g. Multi-AZ in production); every profile when absent. */
  readonly profile?: PolicyProfile;
  /** Why the threshold is what it is, shown in docs/policy.md. */
  readonly rationale?: string;
  check(resource: TfResource, ctx: RuleContext): CheckResult;
}

export interface PolicyResult {
  readonly stack: string;
  readonly profile: PolicyProfile;
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly address: string;
  readonly constructPath?: string;
  readonly status: Status;
  readonly detail: string;
  /** The written reason when WAIVED. */
  readonly waiverReason?: string;
}
