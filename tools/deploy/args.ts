/** The arguments of plan, deploy and sandbox, confirmation, and the plan guard's role. */
import type { PlatformConfig } from '../../config/config';
import type { PlanGuardVerdict } from '../review';
import { UsageError } from './project';

export type OpsCommand = 'plan' | 'deploy' | 'sandbox';

export interface OpsArgs {
  readonly emulator: boolean;
  readonly yes: boolean;
  readonly strict: boolean;
  readonly allow: readonly string[];
  readonly out?: string;
  readonly help: boolean;
}

const OPTIONS: Record<OpsCommand, readonly string[]> = {
  plan: ['--emulator', '--strict', '--allow', '--out'],
  deploy: ['--emulator', '--strict', '--allow', '--yes'],
  sandbox: ['--strict'],
};

export const USAGE: Record<OpsCommand, string> = {
  plan: [
    'usage: npm run plan [-- [--emulator] [--out <review.md>] [--strict] [--allow <address>]...]',
    '  Synth, preflight, terraform plan and a plan review of the selected environment',
    '  (ENVIRONMENT_SUFFIX, exactly one; default prod). Exit 1 if preflight fails or the',
    '  plan guard blocks the plan.',
    '  --emulator  plan against a local AWS emulator (started, state bootstrapped, stopped)',
    '  --out       where to write the review (default cdktf.out/plan-review-<stack>.md)',
    '  --strict    a preflight check the target cannot answer fails the run',
    '  --allow     accept deleting/replacing this exact stateful address (repeatable)',
  ].join('\n'),
  deploy: [
    'usage: npm run deploy [-- [--emulator] [--yes] [--strict] [--allow <address>]...]',
    '  Synth, preflight, plan, review, plan guard, then apply that same saved plan to the',
    '  selected environment (ENVIRONMENT_SUFFIX, exactly one; default prod).',
    '  --emulator  deploy to a local AWS emulator (started, state bootstrapped, stopped)',
    '  --yes       apply without asking (required when stdin is not a terminal)',
    '  --strict    a preflight check the target cannot answer fails the run',
    '  --allow     accept deleting/replacing this exact stateful address (repeatable;',
    '              the production profile refuses a blocked plan without it)',
    '  The state bootstrap (TapStateBackend) is a one-time command: see docs/state-backend.md.',
  ].join('\n'),
  sandbox: [
    'usage: npm run sandbox [-- --strict]',
    '  The platform on a local AWS emulator until Ctrl-C: starts it, bootstraps state,',
    '  deploys the selected environment (ENVIRONMENT_SUFFIX, default dev), preflights it and',
    '  prints the outputs and how to point the AWS CLI/SDK at it.',
    '  SANDBOX_EXIT_AFTER_DEPLOY=1 stops it right after printing (CI).',
  ].join('\n'),
};

/** Parses the arguments of one command; throws UsageError (with the usage) when wrong. */
export function parseOpsArgs(command: OpsCommand, argv: readonly string[]): OpsArgs {
  const allowed = OPTIONS[command];
  const allow: string[] = [];
  let emulator = false;
  let yes = false;
  let strict = false;
  let help = false;
  let out: string | undefined;
  const fail = (message: string): never => {
    throw new UsageError(`${command}: ${message}\n${USAGE[command]}`);
  };
  const value = (name: string, i: number): string => {
    const v = argv[i];
    if (v === undefined || v.startsWith('--')) fail(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    if (raw === '--help' || raw === '-h') {
      help = true;
      continue;
    }
    const eq = raw.indexOf('=');
    const name = raw === '-y' ? '--yes' : raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    if (!allowed.includes(name)) {
      fail(raw.startsWith('-') ? `unknown option ${raw}` : `unexpected argument ${raw}`);
    }
    const inline = name !== raw && raw !== '-y' ? raw.slice(eq + 1) : undefined;
    if (name === '--allow' || name === '--out') {
      const v = inline ?? value(name, ++i);
      if (!v) fail(`${name} needs a value`);
      if (name === '--allow') allow.push(v);
      else out = v;
    } else if (inline !== undefined) {
      fail(`${name} takes no value`);
    } else if (name === '--emulator') emulator = true;
    else if (name === '--yes') yes = true;
    else strict = true;
  }
  return { emulator, yes, strict, allow, out, help };
}

/** Whether an apply may go ahead: with --yes, after asking on a terminal, else refused. */
export function confirmationMode(yes: boolean, isTTY: boolean): 'proceed' | 'ask' | 'refuse' {
  if (yes) return 'proceed';
  return isTTY ? 'ask' : 'refuse';
}

export const NO_TTY_MESSAGE =
  'deploy: stdin is not a terminal, so the plan cannot be confirmed interactively; rerun with --yes ' +
  '(npm run deploy -- --yes) once the plan review is approved.';

/** The production profile requires the plan guard; other profiles print it as advice. */
export function guardIsRequired(config: Pick<PlatformConfig, 'profile'>): boolean {
  return config.profile === 'production';
}

/** Whether deploy may apply the plan, and the heading printed above the verdict. */
export function deployGuardDecision(
  verdict: Pick<PlanGuardVerdict, 'blocked'>,
  config: Pick<PlatformConfig, 'profile'>,
): { proceed: boolean; heading: string } {
  if (guardIsRequired(config)) {
    return {
      proceed: !verdict.blocked,
      heading: verdict.blocked
        ? 'Plan guard (required in the production profile): BLOCKED, nothing was applied.'
        : 'Plan guard (required in the production profile): OK.',
    };
  }
  return {
    proceed: true,
    heading: verdict.blocked
      ? `Plan guard (advice in the ${config.profile} profile; it would block this plan in production):`
      : `Plan guard (advice in the ${config.profile} profile):`,
  };
}
