/**
 * What `npm run validate` checks: every stack's synthesized JSON, as a module of one
 * Terraform working directory, so that `terraform init` and `terraform validate` run once
 * and the ~700 MB provider schema loads once for all stacks (four separate validations cost
 * 25 s CPU; one costs 9 s). A stack whose exact JSON already passed with this provider is
 * left out.
 */
import { createHash } from 'node:crypto';

/**
 * The cache key of a stack: its synthesized JSON and the provider binary it was validated
 * with. Any change to either validates again; VALIDATE_NO_CACHE=1 always does.
 */
export function validationKey(stackJson: string, providers: string): string {
  return createHash('sha256').update(stackJson).update(`\0${providers}`).digest('hex');
}

export interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail?: string;
  address?: string;
  range?: { filename: string; start: { line: number } };
}

export interface ValidateJson {
  valid: boolean;
  error_count: number;
  warning_count: number;
  diagnostics: Diagnostic[];
}

/** A synthesized stack: its name and its folder relative to the working directory. */
export interface StackDir {
  readonly name: string;
  /** e.g. `stacks/TapStackdev` */
  readonly dir: string;
}

/**
 * The root module that validates the given stacks: one `module` block per stack, named
 * for it, with the stack's folder as source (a local path: init downloads nothing).
 */
export function validationRoot(stacks: readonly StackDir[]): string {
  const module: Record<string, { source: string }> = {};
  for (const stack of stacks) module[stack.name] = { source: `./${stack.dir}` };
  return `${JSON.stringify({ module }, null, 2)}\n`;
}

/**
 * Terraform reads a backend block only in the root module. Each stack is a root module
 * when it is deployed, so the warning that its backend is ignored here says nothing
 * about the stack; every other diagnostic is reported.
 */
const EXPECTED_WARNING = 'Backend configuration ignored';

/**
 * The diagnostics of each stack, found by the file they point at (`stacks/<name>/…`).
 * A diagnostic that names no stack's file belongs to the validation root and is reported
 * under `(root)`, so nothing Terraform says is lost.
 */
export function diagnosticsByStack(
  json: ValidateJson,
  stacks: readonly StackDir[],
): Map<string, Diagnostic[]> {
  const byStack = new Map<string, Diagnostic[]>(stacks.map((s) => [s.name, []]));
  for (const d of json.diagnostics) {
    if (d.severity === 'warning' && d.summary === EXPECTED_WARNING) continue;
    const file = d.range?.filename ?? '';
    const owner = stacks.find((s) => file.startsWith(`${s.dir}/`))?.name ?? '(root)';
    byStack.set(owner, [...(byStack.get(owner) ?? []), d]);
  }
  return byStack;
}

/** Where a provider version lies in the mirror (tools/core's ProviderInMirror). */
export interface MirroredProvider {
  readonly version: string;
  /** The binary, or the zip of a packed mirror. */
  readonly path: string;
}

/**
 * The AWS provider binary to validate with, straight from the mirror: when every stack
 * pins the same exact version (`required_providers.aws.version`, as the bindings write it)
 * and the mirror holds that version unpacked. Terraform then gets the running provider for
 * `init` too, and init only links the stack modules instead of installing and hashing the
 * ~700 MB binary. Undefined otherwise (a range, versions that differ, a packed mirror, or
 * a stack with modules or other providers, whose constraints an attached provider would
 * leave unchecked): then init installs the provider as usual and checks every constraint.
 */
export function pinnedProviderBinary(
  stackJsons: readonly string[],
  mirror: readonly MirroredProvider[],
): string | undefined {
  const versions = new Set(
    stackJsons.map((text) => {
      const json = JSON.parse(text) as {
        module?: unknown;
        terraform?: { required_providers?: Record<string, { source?: string; version?: string }> };
      };
      const required = json.terraform?.required_providers ?? {};
      const aws = required.aws;
      const onlyAws =
        Object.keys(required).length === 1 &&
        ['aws', 'hashicorp/aws', 'registry.terraform.io/hashicorp/aws'].includes(aws?.source ?? '');
      return json.module === undefined && onlyAws ? (aws?.version ?? '') : '';
    }),
  );
  if (versions.size !== 1) return undefined;
  const [version] = versions;
  if (!/^\d+\.\d+\.\d+$/.test(version)) return undefined;
  return mirror.find((p) => p.version === version && !p.path.endsWith('.zip'))?.path;
}

/** One line per diagnostic: severity, summary, where, detail. */
export function formatDiagnostics(stack: string, diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => {
    const where = d.address ?? (d.range ? `${d.range.filename}:${d.range.start.line}` : '');
    const detail = d.detail ? ` — ${d.detail.replace(/\s+/g, ' ').trim()}` : '';
    return `    ${stack}: ${d.severity}: ${d.summary}${where ? ` (${where})` : ''}${detail}`;
  });
}

/**
 * The environments of the app runs: one into `outdir` and, with `cdktnOutdir`
 * (`npm run test:synth`), one under CDK Terrain beside it, the first then under cdktf
 * whatever the caller's CDKTF_FRAMEWORK says.
 */
export function synthEnvironments(
  env: Readonly<Record<string, string>>,
  outdir: string,
  cdktnOutdir?: string,
): Record<string, string>[] {
  if (cdktnOutdir === undefined) return [{ ...env, CDKTF_OUTDIR: outdir }];
  return [
    { ...env, CDKTF_OUTDIR: outdir, CDKTF_FRAMEWORK: 'cdktf' },
    { ...env, CDKTF_OUTDIR: cdktnOutdir, CDKTF_FRAMEWORK: 'cdktn' },
  ];
}
