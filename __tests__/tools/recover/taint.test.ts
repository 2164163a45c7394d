import { CommandError, PhaseError } from '../../../tools/core';
import { blockedByPreventDestroy } from '../../../tools/recover/taint';

/** Terraform 1.11's words when a plan would destroy an object with prevent_destroy. */
const REFUSAL =
  'Error: Instance cannot be destroyed\n\nResource aws_db_instance.database_instance_D7 has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed.';
const failed = (stderr: string, stdout = '') =>
  new CommandError('terraform plan', { code: 1, stdout, stderr, durationMs: 1 });

describe('blockedByPreventDestroy', () => {
  test('terraform refused the plan for prevent_destroy: on stderr or stdout, inside a phase or not', () => {
    expect(blockedByPreventDestroy(failed(REFUSAL))).toBe(true);
    expect(blockedByPreventDestroy(failed('', REFUSAL))).toBe(true);
    expect(blockedByPreventDestroy(new PhaseError('orphans round 1', failed(REFUSAL)))).toBe(true);
  });

  test('any other failure, or the words outside a failed terraform: not that refusal', () => {
    expect(blockedByPreventDestroy(failed('Error: Error acquiring the state lock'))).toBe(false);
    expect(blockedByPreventDestroy(new PhaseError('orphans round 1', new Error(REFUSAL)))).toBe(
      false,
    );
    expect(blockedByPreventDestroy(new Error(REFUSAL))).toBe(false);
    expect(blockedByPreventDestroy(undefined)).toBe(false);
  });
});
