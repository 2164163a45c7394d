/**
 * What the arguments decide once read (tools/ops-args reads them): whether an apply is
 * confirmed, and whether the plan guard refuses or advises.
 */
import type { PlanGuardVerdict } from '../review';

/** Whether an apply may go ahead: with --yes, after asking on a terminal, else refused. */
export function confirmationMode(yes: boolean, isTTY: boolean): 'proceed' | 'ask' | 'refuse' {
  if (yes) return 'proceed';
  return isTTY ? 'ask' : 'refuse';
}

/** Why deploy stops without a terminal, and the command to rerun: the same arguments and --yes. */
export function noTtyMessage(argv: readonly string[]): string {
  const args = [...argv, '--yes'].join(' ');
  return (
    'deploy: stdin is not a terminal, so the plan cannot be confirmed interactively; rerun with --yes ' +
    `(npm run deploy -- ${args}) once the plan review is approved.`
  );
}

/** What decides whether the plan guard refuses or only advises. */
export interface GuardRole {
  readonly stackId: string;
  /** The stack's profile; the bootstrap has none. */
  readonly profile?: 'production' | 'standard';
}

/**
 * The guard is required in the production profile (platform and baseline) and always for
 * the state bootstrap, whose bucket holds every environment's state; elsewhere it advises.
 */
export function guardIsRequired(role: GuardRole): boolean {
  return role.profile === undefined || role.profile === 'production';
}

/** Whether deploy may apply the plan, and the heading printed above the verdict. */
export function deployGuardDecision(
  verdict: Pick<PlanGuardVerdict, 'blocked'>,
  role: GuardRole,
): { proceed: boolean; heading: string } {
  const why = role.profile === undefined ? `for ${role.stackId}` : `in the ${role.profile} profile`;
  if (guardIsRequired(role)) {
    return {
      proceed: !verdict.blocked,
      heading: verdict.blocked
        ? `Plan guard (required ${why}): BLOCKED, nothing was applied.`
        : `Plan guard (required ${why}): OK.`,
    };
  }
  return {
    proceed: true,
    heading: verdict.blocked
      ? `Plan guard (advice ${why}; it would block this plan in production):`
      : `Plan guard (advice ${why}):`,
  };
}
