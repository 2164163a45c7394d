import type { TerraformResource } from 'cdktf';

/** Where waivers live in a resource's `//` metadata; tools/policy reads the same key. */
export const POLICY_WAIVERS_KEY = 'policy_waivers';
const RULE_ID = /^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/;

/**
 * Waives one policy rule (tools/policy/rules.ts) for one resource, with the reason a
 * compliance reviewer will read in the report. Call it next to the code that creates the
 * resource, never elsewhere. The waiver is written into the resource's `//` metadata
 * (`"//": {"policy_waivers": {"<rule id>": "<reason>"}}`), which Terraform ignores as a
 * comment and cdktf merges with its own metadata.
 *
 * @throws Error when the reason is empty or the rule id is malformed.
 */
export function waivePolicy(resource: TerraformResource, ruleId: string, reason: string): void {
  if (!RULE_ID.test(ruleId)) {
    throw new Error(
      `waivePolicy: rule id "${ruleId}" is not a policy rule id such as HIPAA-RDS-001`,
    );
  }
  if (reason.trim().length === 0) {
    throw new Error(
      `waivePolicy: waiving ${ruleId} on ${resource.node.path} needs a written reason`,
    );
  }
  resource.addOverride(`//.${POLICY_WAIVERS_KEY}.${ruleId}`, reason.trim());
}
