/** The policy command, testable without a process: argument parsing, synth, evaluation, output. */
import { BASELINE_STACK_ID, loadBaselineConfig } from '../../config/baseline';
import { loadStateBackend, stacksAwaitingStateKey } from '../../config/backend';
import { loadConfigs } from '../../config/config';
import { evaluateStack } from './engine';
import { formatFailures, formatReport, formatWaivers, toJson } from './report';
import { readOutdir, synthesizeApp, SynthesizedStack } from './stacks';
import type { PolicyProfile, PolicyResult } from './types';
import { CliOptions, parseArgs, POLICY_USAGE } from './args';

export { parseArgs, POLICY_USAGE } from './args';
export type { CliOptions } from './args';

export interface CliIo {
  readonly projectDir: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly writeFile: (path: string, text: string) => void;
  /** @default synthesizeApp */
  readonly synth?: (projectDir: string, env: Record<string, string>) => string;
}

export const STATE_BACKEND_STACK = 'TapStateBackend';

/** Returns the exit code: 0 all pass or waived, 1 any failure, 2 usage or synth error. */
export function runPolicyCli(argv: readonly string[], io: CliIo): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(`${POLICY_USAGE}\n`);
    return 0;
  }
  let options: CliOptions;
  let stacks: SynthesizedStack[];
  const profiles = new Map<string, PolicyProfile>();
  try {
    options = parseArgs(argv);
  } catch (error) {
    io.stderr(`policy: ${(error as Error).message}\n${POLICY_USAGE}\n`);
    return 2;
  }
  try {
    // The account baseline is held to the profile it is synthesized with (BASELINE_PROFILE).
    profiles.set(BASELINE_STACK_ID, loadBaselineConfig({ env: process.env }).profile);
    if (options.dir) {
      stacks = readOutdir(options.dir);
    } else {
      const env = { ENVIRONMENT_SUFFIX: options.env };
      const settings = { env: { ...process.env, ...env } };
      // The profile of each stack as the app computes it (PLATFORM_PROFILE may override the default).
      const configs = loadConfigs(settings);
      for (const config of configs) profiles.set(config.stackId, config.profile);
      stacks = readOutdir((io.synth ?? synthesizeApp)(io.projectDir, env));
      // An environment the synth did not write would pass unchecked: refused, with the reason
      // when it is central state before STATE_KMS_KEY_ARN (the app writes the bootstrap alone).
      const missing = configs
        .map((c) => c.stackId)
        .filter((id) => !stacks.some((s) => s.name === id));
      if (missing.length > 0) {
        const why = stacksAwaitingStateKey(
          loadStateBackend(settings, { warn: () => undefined }).s3,
        );
        throw new Error(
          `the synth wrote no ${missing.join(', ')}, so nothing of ${missing.length === 1 ? 'it' : 'them'} was checked${why ? `. ${why}` : ''}`,
        );
      }
    }
  } catch (error) {
    io.stderr(`policy: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  // The state bucket and lock table serve every environment: always held to production.
  profiles.set(STATE_BACKEND_STACK, 'production');
  const results: PolicyResult[] = stacks.flatMap((s) =>
    evaluateStack(s.doc, { stackName: s.name, profile: profiles.get(s.name) }),
  );
  io.stdout(`${formatReport(results)}\n\n${formatWaivers(results)}\n`);
  if (!stacks.some((s) => s.name === STATE_BACKEND_STACK)) {
    io.stdout(
      `\nnote: no ${STATE_BACKEND_STACK} stack in this synth; the state bucket and lock table were not checked\n`,
    );
  }
  if (options.json) io.writeFile(options.json, toJson(results));
  const failed = results.filter((r) => r.status === 'FAIL').length;
  if (failed) io.stdout(`\n${formatFailures(results)}\n`);
  io.stdout(failed ? `\npolicy: ${failed} failure(s)\n` : '\npolicy: no failures\n');
  return failed ? 1 : 0;
}
