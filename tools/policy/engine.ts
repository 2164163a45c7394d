/** Runs the rules over one synthesized stack and applies the waivers its resources carry. */
import { RULES, UNKNOWN_WAIVER_RULE_ID } from './rules';
import { BASELINE_RULES } from './rules-baseline';
import { buildContext, inferProfile, listResources, TerraformJson, typeKey } from './terraform';
import type { PolicyProfile, PolicyResult, Rule } from './types';

export interface EvaluateOptions {
  /** Stack name for the report, e.g. `TapStackprod`. */
  readonly stackName: string;
  /** @default - inferred from the provider's default `Environment` tag (see inferProfile) */
  readonly profile?: PolicyProfile;
  /** @default RULES and BASELINE_RULES */
  readonly rules?: readonly Rule[];
}

export function evaluateStack(doc: TerraformJson, options: EvaluateOptions): PolicyResult[] {
  const rules = options.rules ?? [...RULES, ...BASELINE_RULES];
  const profile = options.profile ?? inferProfile(doc);
  const resources = listResources(doc);
  const ctx = buildContext(options.stackName, profile, resources);
  const known = new Set(rules.map((r) => r.id));
  const results: PolicyResult[] = [];

  for (const rule of rules) {
    if (rule.profile && rule.profile !== profile) continue;
    for (const resource of resources) {
      if (!rule.resourceTypes.includes(typeKey(resource))) continue;
      const outcome = rule.check(resource, ctx);
      const reason = resource.waivers[rule.id];
      const base = {
        stack: options.stackName,
        profile,
        ruleId: rule.id,
        title: rule.title,
        severity: rule.severity,
        address: resource.address,
        constructPath: resource.constructPath,
      };
      if (outcome.pass) {
        const unused =
          reason !== undefined
            ? ' (a waiver for this rule is present but not needed: remove it)'
            : '';
        results.push({ ...base, status: 'PASS', detail: outcome.detail + unused });
      } else if (reason !== undefined) {
        results.push({ ...base, status: 'WAIVED', detail: outcome.detail, waiverReason: reason });
      } else {
        results.push({ ...base, status: 'FAIL', detail: outcome.detail });
      }
    }
  }

  for (const resource of resources) {
    for (const [ruleId, reason] of Object.entries(resource.waivers)) {
      if (known.has(ruleId)) continue;
      results.push({
        stack: options.stackName,
        profile,
        ruleId: UNKNOWN_WAIVER_RULE_ID,
        title: 'Every waiver names an existing rule',
        severity: 'medium',
        address: resource.address,
        constructPath: resource.constructPath,
        status: 'FAIL',
        detail: `waiver for unknown rule "${ruleId}" (reason: ${reason}); fix the id or remove the waiver`,
      });
    }
  }
  return results;
}
