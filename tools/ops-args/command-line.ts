/**
 * The command line of the commands that work on one stack (plan, deploy, drift, recover,
 * sandbox): their options, usage and arguments, and the answer to `--help` and a wrong option.
 * A folder of its own, light on purpose: each command reads its arguments with this alone, so
 * `--help` and a wrong option are answered before the configuration, the AWS SDK clients and
 * Terraform load (about 4 s of a 2-core machine's start-up).
 */

/** A refusal to start, with what to do instead; the CLIs print it and exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OpsCommand = 'plan' | 'deploy' | 'sandbox' | 'drift' | 'recover';

export interface OpsArgs {
  readonly emulator: boolean;
  readonly yes: boolean;
  readonly strict: boolean;
  readonly allow: readonly string[];
  /** The stack to work on: TapStack<env>, TapAccountBaseline or TapStateBackend. */
  readonly stack?: string;
  /** plan: also write the review here. */
  readonly out?: string;
  /** plan: keep the saved plan, its JSON, review and manifest in this folder. */
  readonly save?: string;
  /** deploy: apply the saved plan in this folder (made by `plan --save`). */
  readonly plan?: string;
  /** recover: release a lock whose holder is gone. */
  readonly releaseLock: boolean;
  /** recover: adopt the stack's resources that exist outside the state (import, reviewed). */
  readonly adopt: boolean;
  /** recover: keep the objects an interrupted apply left tainted (terraform untaint). */
  readonly untaint: boolean;
  readonly help: boolean;
}

type Option =
  | '--emulator'
  | '--strict'
  | '--allow'
  | '--out'
  | '--yes'
  | '--stack'
  | '--save'
  | '--plan'
  | '--release-lock'
  | '--adopt'
  | '--untaint';

const WITH_VALUE: readonly Option[] = ['--allow', '--out', '--stack', '--save', '--plan'];

const OPTIONS: Record<OpsCommand, readonly Option[]> = {
  plan: ['--emulator', '--strict', '--allow', '--out', '--stack', '--save'],
  deploy: ['--emulator', '--strict', '--allow', '--yes', '--stack', '--plan'],
  sandbox: ['--strict'],
  drift: ['--stack', '--out'],
  recover: ['--stack', '--release-lock', '--adopt', '--untaint', '--yes'],
};

const STACK_LINE =
  '  --stack     TapStack<env>, TapAccountBaseline or TapStateBackend (default: TapStack<ENVIRONMENT_SUFFIX>)';

export const USAGE: Record<OpsCommand, string> = {
  plan: [
    'usage: npm run plan [-- [--stack <id>] [--save <dir>] [--out <review.md>] [--emulator] [--strict] [--allow <address>]...]',
    '  Synth, preflight, terraform plan, the plan review (with the plan file sha256) and the plan',
    '  guard, in a working folder of its own. Exit 1 if preflight fails or the guard blocks the plan.',
    STACK_LINE,
    '  --save      keep the saved plan, its JSON, the review and a manifest in <dir>, for',
    '              `npm run deploy -- --plan <dir>` (e.g. from a later CI job or another checkout)',
    '  --out       also write the review here',
    '  --emulator  plan against a local AWS emulator (started, state bootstrapped, stopped)',
    '  --strict    a preflight check the target cannot answer fails the run',
    '  --allow     accept deleting/replacing this exact stateful address (repeatable)',
  ].join('\n'),
  deploy: [
    'usage: npm run deploy [-- [--stack <id>] [--plan <dir>] [--yes] [--emulator] [--strict] [--allow <address>]...]',
    '  Synth, preflight, plan, review, plan guard, then apply exactly that saved plan (checked by',
    '  its sha256 just before the apply). With --plan, applies the plan saved by',
    '  `npm run plan -- --save <dir>` instead, refusing one made for another stack, account,',
    '  commit or configuration, one older than PLAN_MAX_AGE_HOURS (default 72) or whose state moved.',
    STACK_LINE,
    '  --plan      apply this saved plan folder',
    '  --yes       apply without asking (required when stdin is not a terminal)',
    '  --emulator  deploy to a local AWS emulator (started, state bootstrapped, stopped)',
    '  --strict    a preflight check the target cannot answer fails the run',
    '  --allow     accept deleting/replacing this exact stateful address (repeatable; required',
    '              for a blocked plan in the production profile and for TapStateBackend)',
  ].join('\n'),
  sandbox: [
    'usage: npm run sandbox [-- --strict]',
    '  The platform on a local AWS emulator until Ctrl-C: starts it, bootstraps state,',
    '  deploys the selected environment (ENVIRONMENT_SUFFIX, default dev), preflights it and',
    '  prints the outputs and how to point the AWS CLI/SDK at it.',
    '  SANDBOX_EXIT_AFTER_DEPLOY=1 stops it right after printing (CI).',
  ].join('\n'),
  drift: [
    'usage: npm run drift [-- [--stack <id>] [--out <report.md>]]',
    '  Compares the deployed resources with the state (terraform plan -refresh-only) and reports',
    '  every resource changed outside Terraform. Exit 0 clean, 2 drift found, 1 error.',
    STACK_LINE,
    '  --out       also write the Markdown report here',
  ].join('\n'),
  recover: [
    'usage: npm run recover [-- [--stack <id>] [--release-lock] [--adopt] [--untaint] [--yes]]',
    '  After a crash or a killed apply: shows who holds the state lock (operation, who, since',
    "  when) and whether that run is still alive, which of the stack's resources exist in the",
    '  account but not in the state, and which an interrupted apply left tainted. Changes',
    '  nothing without a flag.',
    STACK_LINE,
    '  --release-lock  release the lock when its holder is gone (a run on this machine that no',
    '                  longer runs); a holder elsewhere is never released',
    '  --adopt         import those resources into the state (import blocks, planned, reviewed)',
    '  --untaint       keep the tainted objects (terraform untaint) instead of replacing them',
    '  --yes           apply the adoption and untaint without asking',
  ].join('\n'),
};

/** Parses the arguments of one command; throws UsageError (with the usage) when wrong. */
export function parseOpsArgs(command: OpsCommand, argv: readonly string[]): OpsArgs {
  const allowed = OPTIONS[command];
  const allow: string[] = [];
  const values: Partial<Record<Option, string>> = {};
  const flags = new Set<Option>();
  let help = false;
  const fail = (message: string): never => {
    throw new UsageError(`${command}: ${message}\n${USAGE[command]}`);
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    if (raw === '--help' || raw === '-h') {
      help = true;
      continue;
    }
    const eq = raw.indexOf('=');
    const name = (
      raw === '-y' ? '--yes' : raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw
    ) as Option;
    if (!allowed.includes(name)) {
      fail(raw.startsWith('-') ? `unknown option ${raw}` : `unexpected argument ${raw}`);
    }
    const inline = name !== raw && raw !== '-y' ? raw.slice(eq + 1) : undefined;
    if (WITH_VALUE.includes(name)) {
      const next = argv[i + 1];
      const v = inline ?? (next === undefined || next.startsWith('--') ? '' : argv[++i]);
      if (!v) fail(`${name} needs a value`);
      if (name === '--allow') allow.push(v);
      else if (values[name] !== undefined) fail(`${name} is given twice`);
      else values[name] = v;
    } else if (inline !== undefined) {
      fail(`${name} takes no value`);
    } else {
      flags.add(name);
    }
  }
  const stack = values['--stack'];
  if (stack !== undefined && /[,\s]/.test(stack)) {
    fail(`--stack takes one stack, got "${stack}": run the command once per stack`);
  }
  if (values['--plan'] !== undefined && allow.length > 0) {
    fail('--allow cannot change a saved plan: give it to `npm run plan -- --save` instead');
  }
  return {
    emulator: flags.has('--emulator'),
    yes: flags.has('--yes'),
    strict: flags.has('--strict'),
    allow,
    stack: values['--stack'],
    out: values['--out'],
    save: values['--save'],
    plan: values['--plan'],
    releaseLock: flags.has('--release-lock'),
    adopt: flags.has('--adopt'),
    untaint: flags.has('--untaint'),
    help,
  };
}

/** Where readOpsCommandLine prints (a test passes its own). */
export interface OpsOutput {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/**
 * Reads a command's arguments before anything heavy loads: `--help` or `-h` anywhere prints
 * the usage on stdout and gives 0; a wrong argument prints what is wrong and the usage, once,
 * on stderr and gives 2; otherwise the arguments.
 */
export function readOpsCommandLine(
  command: OpsCommand,
  argv: readonly string[],
  out: OpsOutput = process,
): OpsArgs | number {
  if (argv.includes('--help') || argv.includes('-h')) {
    out.stdout.write(`${USAGE[command]}\n`);
    return 0;
  }
  try {
    return parseOpsArgs(command, argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    out.stderr.write(`${error.message}\n`);
    return 2;
  }
}
