/**
 * The Terraform versions every stack accepts, written into its `terraform.required_version`.
 * Terraform itself then refuses any other version at init, plan and apply, on every path
 * (`npm run deploy`, `cdktf deploy`, `terraform` in CI) and on the machine that runs it, not
 * the one that synthesized. 1.11 is the first release whose S3 backend locks with a lock
 * file (`use_lockfile`) as a supported feature; 2.0 may break what 1.x promises.
 */
import type { TerraformStack } from 'cdktf';

export const TERRAFORM_VERSIONS = '>= 1.11.0, < 2.0.0';

/** Writes TERRAFORM_VERSIONS into the stack's `terraform` block. */
export function requireTerraformVersions(stack: TerraformStack): void {
  stack.addOverride('terraform.required_version', TERRAFORM_VERSIONS);
}
