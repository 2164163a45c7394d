/**
 * Keeping what an interrupted apply left tainted (`npm run recover -- --untaint`): the
 * untaint itself, and the case where a tainted object the stack may not destroy
 * (prevent_destroy: the production database and cache) makes every plan fail, so that the
 * objects must be kept before recover can search for orphans.
 */
import { CommandError, exec, PhaseError, StepOptions } from '../core';
import type { SynthesizedStack } from '../deploy';
import type { RecoverOptions } from './recover';
import { formatBlockedByTaint, formatTainted, LockState, lockHeldRefusal } from './report';

type TaintOptions = Pick<RecoverOptions, 'timer' | 'target' | 'args' | 'confirm' | 'write'>;

/** Terraform's refusal of a plan that would destroy an object with `prevent_destroy`. */
const PREVENT_DESTROY = /Instance cannot be destroyed/;

/** Whether `error` (a failed terraform, possibly inside a phase) is that refusal. */
export function blockedByPreventDestroy(error: unknown): boolean {
  const cause = error instanceof PhaseError ? error.cause : error;
  if (!(cause instanceof CommandError)) return false;
  return PREVENT_DESTROY.test(`${cause.result.stderr}\n${cause.result.stdout}`);
}

/**
 * After that refusal, with the tainted objects the state holds: names them and the way on;
 * with --untaint (and the lock free or released) keeps them after "yes" or --yes. True when
 * they were kept, so that the search can plan again.
 */
export async function keepBlockingTaint(
  options: TaintOptions,
  stack: SynthesizedStack,
  lockState: LockState,
  tainted: readonly string[],
  log: (name: string) => StepOptions,
): Promise<boolean> {
  options.write(`\n${formatBlockedByTaint(stack.name, tainted)}\n`);
  if (!options.args.untaint) return false;
  if (lockState === 'held-gone') {
    options.write(`\n${lockHeldRefusal(stack.name, ['--untaint'])}\n`);
    return false;
  }
  return untaint(options, stack, tainted, log);
}

/**
 * `terraform untaint` of each object after "yes" or --yes: the state keeps them; the next
 * plan reads each again (an update in place, or a create when it is gone).
 */
export async function untaint(
  options: TaintOptions,
  stack: SynthesizedStack,
  tainted: readonly string[],
  log: (name: string) => StepOptions,
): Promise<boolean> {
  const { timer, target } = options;
  if (options.confirm) {
    const yes = await options.confirm(
      `\nUntaint ${tainted.length} object(s) of ${stack.name}, keeping them in place of a replacement?\nType "yes" to untaint: `,
    );
    if (!yes) {
      options.write('recover: not confirmed; nothing was untainted.\n');
      return false;
    }
  }
  await timer.run(`untaint ${stack.name}`, async (note) => {
    for (const address of tainted) {
      await exec(
        ['untaint', '-no-color', '-lock-timeout=60s', address],
        stack.dir,
        target.env,
        log(`untaint-${stack.name}`),
      );
    }
    note(`${tainted.length} object(s)`);
  });
  options.write(`\n${formatTainted(stack.name, tainted, true)}\n`);
  return true;
}
