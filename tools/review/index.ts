/**
 * Reviewing a Terraform plan: the plan JSON (plan-json), the Markdown review for a human
 * (plan-review, with attribute-changes and security-findings), and the plan guard that
 * refuses stateful deletes/replacements (plan-guard). Command: plan-guard.command.ts.
 */
export * from './attribute-changes';
export * from './irreversible';
export * from './major-upgrade';
export * from './plan-guard';
export * from './plan-json';
export * from './plan-references';
export * from './plan-review';
export * from './posture';
export * from './security-findings';
