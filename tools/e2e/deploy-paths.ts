/**
 * The deploy paths a team uses, driven as a person or a workflow would: `npm run plan --
 * --save` by the CI plan role, `npm run deploy -- --plan` by the CI apply role from another
 * working copy (a later job on another runner), `npm run deploy` by an operator; and the
 * raw paths (`cdktf deploy`, `terraform apply`) that must refuse what `npm run deploy`
 * refuses. Exercised end to end by `npm run test:e2e`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, RunResult } from '../core';
import { credentialEnv, Credentials } from './accounts';
import { normalizedOutput, planIdIn, preconditionMessages } from './drill-checks';

export { normalizedOutput, planIdIn, preconditionMessages };
import { CDKTF, E2eRun, LOGS, platformStack, ROOT, StackInfo, WORK } from './e2e-run';

/** Where the saved plans of the run are kept (as a workflow's artifact would be). */
export const SAVED_PLANS = path.join(WORK, 'saved-plans');
/** The second working copy: the apply job's checkout of the same commit. */
export const SECOND_CHECKOUT = path.join(WORK, 'apply-checkout');

export interface NpmRun {
  readonly script: 'plan' | 'deploy' | 'drift' | 'recover';
  readonly args: readonly string[];
  readonly environment: string;
  readonly credentials: Credentials;
  readonly log: string;
  /** @default ROOT */
  readonly cwd?: string;
  readonly settings?: Readonly<Record<string, string>>;
  readonly okCodes?: readonly number[];
  /** Each output line and the npm process's pid (to interrupt it on cue). */
  readonly onLine?: (line: string, pid: number) => void;
}

/** `npm run <script> -- <args>` with an environment's settings and the given credentials. */
export function npmRun(e2e: E2eRun, r: NpmRun): Promise<RunResult> {
  return run('npm', ['run', '--silent', r.script, '--', ...r.args], {
    ...e2e.opts(r.log),
    cwd: r.cwd ?? ROOT,
    env: e2e.env({
      ...e2e.synthSettings(r.environment, r.settings),
      ENVIRONMENT_SUFFIX: r.environment,
      ...credentialEnv(r.credentials),
    }),
    echoPrefix: `    [${r.script} ${r.environment}] `,
    echoFilter: /Apply complete|Error|FAIL|refused|may not be applied|stale|sha256:|Plan:/,
    ...(r.okCodes ? { okCodes: r.okCodes } : {}),
    ...(r.onLine ? { onLine: r.onLine } : {}),
  });
}

/** `npm run recover -- --stack <stack> <args>` as the stack's deployer (exit 0 or 1 expected). */
export function recoverRun(
  e2e: E2eRun,
  stack: StackInfo,
  args: readonly string[],
  log: string,
): Promise<RunResult> {
  return npmRun(e2e, {
    script: 'recover',
    args: ['--stack', stack.name, ...args],
    environment: stack.environment!,
    settings: stack.settings,
    credentials: e2e.deployerOf(stack),
    log,
    okCodes: [0, 1],
  });
}

/**
 * A second working copy of the same commit, as the apply job's runner checks it out: the
 * tracked and untracked-but-not-ignored files, node_modules linked (npm ci there would give
 * the same tree). No file of the first copy's synth or runs comes with it.
 */
export function makeSecondCheckout(): string {
  fs.rmSync(SECOND_CHECKOUT, { recursive: true, force: true });
  const files = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: ROOT,
    },
  )
    .toString('utf8')
    .split('\0')
    // Files only: a linked node_modules (a worktree's) is linked again below, not copied.
    .filter(
      (f) =>
        f &&
        f !== 'node_modules' &&
        fs.lstatSync(path.join(ROOT, f), { throwIfNoEntry: false })?.isFile(),
    );
  for (const file of files) {
    const to = path.join(SECOND_CHECKOUT, file);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), to);
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(SECOND_CHECKOUT, 'node_modules'));
  return SECOND_CHECKOUT;
}

/** The three deploy paths on one stack; each must fail. Returns their outputs by path. */
export async function tryEveryPath(
  e2e: E2eRun,
  stack: StackInfo,
  credentials: Credentials,
  label: string,
): Promise<Record<'cdktf deploy' | 'terraform apply' | 'npm run deploy', string>> {
  const environment = stack.environment!;
  const expectFailure = (what: string, r: RunResult) => {
    if (r.code === 0) throw new Error(`${what} of ${stack.label} went ahead (${label})`);
    return r.stdout + r.stderr;
  };
  const env = e2e.env({ ...credentialEnv(credentials) });
  const cdktf = await run(
    CDKTF,
    [
      ...['deploy', stack.name, '--skip-synth', '-o', stack.outdir, '--auto-approve'],
      '--skip-provider-lock',
    ],
    {
      cwd: ROOT,
      env,
      logFile: path.join(LOGS, `${label}-cdktf-${stack.label}.log`),
      okCodes: [0, 1],
    },
  );
  await run('terraform', ['init', '-input=false', '-no-color'], {
    cwd: stack.dir,
    env,
    logFile: path.join(LOGS, `${label}-init-${stack.label}.log`),
  });
  const terraform = await run(
    'terraform',
    ['apply', '-auto-approve', '-input=false', '-no-color', '-lock-timeout=60s'],
    {
      cwd: stack.dir,
      env,
      logFile: path.join(LOGS, `${label}-apply-${stack.label}.log`),
      okCodes: [0, 1],
    },
  );
  const npm = await npmRun(e2e, {
    script: 'deploy',
    args: ['--stack', platformStack(environment), '--yes'],
    environment,
    settings: stack.settings,
    credentials,
    log: `${label}-npm-deploy-${stack.label}.log`,
    okCodes: [0, 1],
  });
  return {
    'cdktf deploy': expectFailure('cdktf deploy', cdktf),
    'terraform apply': expectFailure('terraform apply', terraform),
    'npm run deploy': expectFailure('npm run deploy', npm),
  };
}
