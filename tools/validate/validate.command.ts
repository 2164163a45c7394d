/**
 * `npm run validate`: synthesizes the app for the production and a standard profile and runs
 * the real Terraform and AWS provider over every stack, all stacks as modules of one working
 * directory (see validate.ts): one `terraform init -backend=false` (offline, from the
 * provider mirror) and one `terraform validate -json`, served by one provider process
 * (provider-server.ts), taken from the mirror when the stacks pin its exact version
 * (pinnedProviderBinary). Prints one line per stack; exits 1 with the diagnostics when any
 * stack is invalid.
 *
 * `--frameworks` (`npm run test:synth`, part of `npm test`) also synthesizes the app under CDK
 * Terrain (cdktn) beside the cdktf synth and fails when the Terraform JSON differs, as
 * `npm run test:framework` does: one cdktf synth serves both checks.
 *
 *   VALIDATE_ENVIRONMENTS  environments to synthesize (default: prod,dev)
 *   VALIDATE_APP           app command (default: cdktf.json "app")
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CommandError,
  describeProviderSource,
  initHint,
  PhaseError,
  formatDuration,
  answerCommandLine,
  PhaseTimer,
  prepareTerraform,
  run,
  runCommand,
  TerraformSetup,
  unexpectedArgument,
} from '../core';
import {
  diagnosticsByStack,
  formatDiagnostics,
  pinnedProviderBinary,
  StackDir,
  synthEnvironments,
  validationKey,
  validationRoot,
  ValidateJson,
} from './validate';
import { synthDifferences } from '../synth';
import { installedProviders, ProviderServer, startProviderServer } from './provider-server';

const ROOT = path.resolve(__dirname, '..', '..');
/** Stacks whose exact JSON already passed `terraform validate` with this provider. */
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'validate');

/** Go runtime settings for terraform and the provider it starts (see validateStacks). */
const VALIDATE_GO_ENV = { GOGC: '200' };

interface Stack extends StackDir {
  /** Its synthesized JSON. */
  readonly json: string;
  /** The cache key of its JSON with this provider. */
  readonly key: string;
}

/** The synthesized stacks, from the manifest, with their cache keys. */
function readStacks(outdir: string, providers: string): Stack[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  return Object.entries(manifest.stacks as Record<string, { workingDirectory: string }>).map(
    ([name, s]) => {
      const json = fs.readFileSync(path.join(outdir, s.workingDirectory, 'cdk.tf.json'), 'utf8');
      return { name, dir: s.workingDirectory, json, key: validationKey(json, providers) };
    },
  );
}

const INIT = ['init', '-backend=false', '-input=false', '-no-color'];

/**
 * The one provider process the validation uses. When the stacks pin an exact version the
 * mirror holds unpacked, it is started from the mirror and init runs afterwards with it
 * (`initWithIt`): init then links the stack modules and installs, and hashes, nothing.
 * Otherwise init runs first, chooses and installs the version, and that binary is started.
 */
async function serveProvider(
  outdir: string,
  stacks: readonly Stack[],
  tf: TerraformSetup,
  env: Record<string, string>,
): Promise<{ provider: ProviderServer; initWithIt: boolean }> {
  const pinned = pinnedProviderBinary(
    stacks.map((s) => s.json),
    tf.providers,
  );
  if (pinned) return { provider: await startProviderServer(pinned, env), initWithIt: true };
  await run('terraform', INIT, { cwd: outdir, env });
  const binaries = installedProviders(outdir);
  if (binaries.length !== 1) {
    throw new Error(`terraform init installed ${binaries.length} providers, expected the AWS one`);
  }
  return { provider: await startProviderServer(binaries[0], env), initWithIt: false };
}

/**
 * One `terraform init` and one `terraform validate` over the stacks, each a module of a
 * root written into `outdir`. Prints a line per stack and its diagnostics; caches the
 * stacks that passed. True when every stack is valid.
 */
async function validateStacks(
  outdir: string,
  stacks: readonly Stack[],
  tf: TerraformSetup,
): Promise<boolean> {
  fs.writeFileSync(path.join(outdir, 'main.tf.json'), validationRoot(stacks));
  // Terraform and the provider are Go programs that allocate heavily while loading the
  // schema. Collecting at twice the live heap (GOGC=200) rather than Go's 100, or not at all:
  // measured over the four stacks on 2 cores, 8.3 s CPU and 6.1 s wall, against 9.2 s / 5.9 s
  // at 100 and 11.1 s / 8.4 s with the collector off (page faults of a ~1 GB heap cost more
  // system time on this VM than the collections they avoid); peak RSS 410 MB against 980 MB.
  // The provider in debug mode leaves its plugin socket in TMPDIR when it is stopped: in a
  // folder of the work folder, which goes when validate ends.
  const providerTmp = path.join(path.dirname(outdir), 'provider-tmp');
  fs.mkdirSync(providerTmp);
  const env = { ...tf.env, ...VALIDATE_GO_ENV, TMPDIR: providerTmp };
  const { provider, initWithIt } = await serveProvider(outdir, stacks, tf, env);
  let result;
  try {
    const served = { ...env, TF_REATTACH_PROVIDERS: provider.reattach };
    if (initWithIt) await run('terraform', INIT, { cwd: outdir, env: served });
    result = await run('terraform', ['validate', '-json', '-no-color'], {
      cwd: outdir,
      env: served,
      okCodes: [0, 1],
    });
  } finally {
    provider.stop();
  }
  const json = JSON.parse(result.stdout) as ValidateJson;
  const byStack = diagnosticsByStack(json, stacks);
  const rootErrors = (byStack.get('(root)') ?? []).some((d) => d.severity === 'error');
  fs.mkdirSync(CACHE, { recursive: true });
  for (const [name, diagnostics] of byStack) {
    const stack = stacks.find((s) => s.name === name);
    const valid = json.valid || (!rootErrors && !diagnostics.some((d) => d.severity === 'error'));
    const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
    if (stack) {
      const note = warnings > 0 ? `, ${warnings} warning(s)` : '';
      process.stdout.write(`  ${name.padEnd(18)} ${valid ? 'valid' : 'INVALID'}${note}\n`);
    }
    for (const line of formatDiagnostics(name, diagnostics)) process.stdout.write(`${line}\n`);
    if (stack && valid) fs.writeFileSync(path.join(CACHE, stack.key), `${name}\n`);
  }
  // Terraform's own verdict: any error, in a stack or in the root, fails the run.
  return json.valid;
}

/** The flag of `npm run test:synth`: the cdktn synth and the comparison too. */
const FRAMEWORKS_FLAG = '--frameworks';

/**
 * Runs the app into `outdir` and, with `cdktnOutdir`, under cdktn at the same time
 * (synthEnvironments). Both finish before any failure is thrown, so no synth still writes
 * into the work folder when it is removed.
 */
async function synthesize(
  app: string,
  env: Record<string, string>,
  outdir: string,
  cdktnOutdir: string | undefined,
): Promise<void> {
  const synths = synthEnvironments(env, outdir, cdktnOutdir).map((runEnv) =>
    run('sh', ['-c', app], { cwd: ROOT, env: runEnv }),
  );
  const settled = await Promise.allSettled(synths);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
}

async function main(frameworks: boolean): Promise<number> {
  const environments = process.env.VALIDATE_ENVIRONMENTS ?? 'prod,dev';
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'));
  const app = process.env.VALIDATE_APP ?? (cdktfJson.app as string);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-'));
  // Also when an interrupt ends the process while no child runs (core/interrupts.ts exits then).
  const removeWork = () => fs.rmSync(work, { recursive: true, force: true });
  process.once('exit', removeWork);
  const outdir = path.join(work, 'cdktf.out');
  const cdktnOutdir = frameworks ? path.join(work, 'cdktn.out') : undefined;
  const phases = new PhaseTimer({ write: () => undefined });
  let tf: TerraformSetup;
  let failed = false;
  try {
    tf = prepareTerraform(work);
    await phases.run('synth', async () => {
      const env = {
        ...tf.env,
        CDKTF_CONTEXT_JSON: JSON.stringify(cdktfJson.context ?? {}),
        ENVIRONMENT_SUFFIX: environments,
      };
      await synthesize(app, env, outdir, cdktnOutdir);
    });
    if (cdktnOutdir) {
      const problems = synthDifferences(outdir, cdktnOutdir);
      if (problems.length > 0) {
        process.stdout.write(
          `validate: cdktf and cdktn synthesize different Terraform:\n  ${problems.join('\n  ')}\n`,
        );
        failed = true;
      } else {
        process.stdout.write(
          `validate: cdktf 0.21 and cdktn synthesize the same Terraform JSON for ${environments}\n`,
        );
      }
    }
    // The provider binaries, by path and size: a different provider validates again.
    const providers = tf.providers.map((p) => `${p.path}:${fs.statSync(p.path).size}`).join('\n');
    const stacks = readStacks(outdir, providers);
    const noCache = process.env.VALIDATE_NO_CACHE === '1';
    const todo = stacks.filter((s) => noCache || !fs.existsSync(path.join(CACHE, s.key)));
    process.stdout.write(
      `validate: ${stacks.length} stacks synthesized for ${environments} (provider from ${describeProviderSource(tf.source)})\n`,
    );
    for (const stack of stacks.filter((s) => !todo.includes(s))) {
      process.stdout.write(`  ${stack.name.padEnd(18)} valid (unchanged since it last passed)\n`);
    }
    if (todo.length > 0) {
      await phases.run('terraform init + validate', async () => {
        if (!(await validateStacks(outdir, todo, tf))) failed = true;
      });
    }
  } catch (error) {
    const cause = error instanceof PhaseError ? error.cause : error;
    const output = cause instanceof CommandError ? cause.result.stderr + cause.result.stdout : '';
    const hint = initHint(output);
    process.stderr.write(
      `validate failed: ${error instanceof Error ? error.message : String(error)}\n${hint ? `${hint}\n` : ''}`,
    );
    failed = true;
  } finally {
    removeWork();
    process.removeListener('exit', removeWork);
  }
  const times = phases.results.map((r) => `${r.name} ${formatDuration(r.durationMs)}`).join(', ');
  process.stdout.write(
    `validate: ${failed ? 'FAILED' : 'ok'} in ${formatDuration(phases.elapsedMs())} (${times})\n`,
  );
  return failed ? 1 : 0;
}

const USAGE = [
  'usage: npm run validate',
  '  terraform validate of every stack the app synthesizes for VALIDATE_ENVIRONMENTS (default',
  '  prod,dev), with the real provider; a stack unchanged since it last passed is skipped',
  '  (VALIDATE_NO_CACHE=1 validates all).',
].join('\n');

/** `npm run test:synth` runs this file with FRAMEWORKS_FLAG. */
const SYNTH_USAGE = [
  'usage: npm run test:synth',
  '  npm run validate and npm run test:framework in one process (part of npm test): the app',
  '  synthesized under cdktf and under CDK Terrain (cdktn) must give the same Terraform JSON,',
  '  and terraform validate runs over the cdktf synth.',
].join('\n');

/** The one option, `--frameworks`, which npm run test:synth passes. */
function checkArguments(argv: readonly string[]): string | undefined {
  const other = argv.find((arg) => arg !== FRAMEWORKS_FLAG);
  return other === undefined ? undefined : unexpectedArgument(other);
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const frameworks = argv.includes(FRAMEWORKS_FLAG);
  const [name, usage] = frameworks ? ['test:synth', SYNTH_USAGE] : ['validate', USAGE];
  const answered = answerCommandLine(name, usage, argv, checkArguments);
  // An interrupt reaches terraform and the provider once; the work folder goes in main's finally.
  if (answered !== undefined) process.exitCode = answered;
  else void runCommand(name, () => main(frameworks));
}
