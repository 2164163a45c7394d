/**
 * The checks a deploy must pass, inside the synthesized Terraform so that every path meets
 * them: `npm run deploy`, `cdktf deploy`, and `terraform plan/apply` in CI stop at the same
 * point with the same message. Each gate is a precondition of one `terraform_data` resource
 * (built into Terraform, no provider needed), evaluated during plan: nothing is created when
 * one fails. A gate's condition is a Terraform expression over the facts decided at synth
 * (`local.deploy_facts`: the profile, the alarm subscribers, the pinned account) and the
 * data sources the stack reads (quotas, what the account already holds). Terraform refuses a
 * condition that refers to nothing, so even a synth-time decision is written as a fact and a
 * condition over it, and Terraform prints the facts beside the message. `npm run preflight`
 * reads the same messages (gate-messages.ts) to say it earlier.
 */
import { DataResource, TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';

/** A value decided at synth that gates read as `local.deploy_facts.<name>`. */
export type Fact = string | number | boolean | readonly string[];

export interface Gate {
  /** Short name shown in reviews and by preflight, e.g. `alarm subscriber`. */
  readonly name: string;
  /**
   * A Terraform boolean expression, without `${}`: over facts (`local.deploy_facts.x`) and
   * data sources with fixed addresses (`data.aws_servicequotas_service_quota.lambda.value`).
   */
  readonly condition: string;
  /** Names the setting or the account fact, the value, the rule and the fix. */
  readonly message: string;
}

export interface DeployGatesProps {
  /** The facts the conditions read, by name. */
  readonly facts: Readonly<Record<string, Fact>>;
  readonly gates: readonly Gate[];
}

/** The address conditions use for a fact. */
export function fact(name: string): string {
  return `local.deploy_facts.${name}`;
}

/** `locals.deploy_facts` and `terraform_data.deploy_gates`, whose preconditions are the gates. */
export class DeployGates extends Construct {
  readonly resource: DataResource;
  readonly gateNames: readonly string[];

  constructor(scope: Construct, id: string, props: DeployGatesProps) {
    super(scope, id);
    validate(id, props);
    this.gateNames = props.gates.map((g) => g.name);
    const facts = new TerraformLocal(this, 'facts', props.facts);
    facts.overrideLogicalId('deploy_facts');
    this.resource = new DataResource(this, 'gates', {
      // What the gates are, visible in the plan and the state; nothing else is stored.
      input: { gates: this.gateNames },
      lifecycle: {
        precondition: props.gates.map((g) => ({
          condition: `\${${g.condition}}`,
          errorMessage: g.message,
        })),
      },
    });
    // A readable address in Terraform's messages: terraform_data.deploy_gates.
    this.resource.overrideLogicalId('deploy_gates');
  }
}

function validate(id: string, props: DeployGatesProps): void {
  const names = props.gates.map((g) => g.name);
  const problems: string[] = [];
  if (names.length === 0) problems.push('gates is empty: a gate construct checks something');
  const twice = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  if (twice.length > 0)
    problems.push(`gate names must be unique; named twice: ${twice.join(', ')}`);
  for (const gate of props.gates) {
    if (gate.message.trim().length < 20) {
      problems.push(`gate "${gate.name}": the message must name the setting, the rule and the fix`);
    }
    if (gate.condition.includes('${')) {
      problems.push(`gate "${gate.name}": the condition is an expression without \${}`);
    }
    for (const [, name] of gate.condition.matchAll(/local\.deploy_facts\.([A-Za-z0-9_]+)/g)) {
      if (!(name in props.facts)) problems.push(`gate "${gate.name}" reads unknown fact "${name}"`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`DeployGates '${id}':\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
