/**
 * npm run preflight [-- --strict] [-- --baseline]
 *
 * Asks the target account and region whether every configured environment can be
 * deployed there (see docs/safety-nets.md). Reads the same configuration as main.ts.
 * With --baseline, asks the same of the account baseline (TapAccountBaseline,
 * docs/account-baseline.md): its home region, the DR region's AWS Backup, and which of
 * CloudTrail, Config, GuardDuty and Security Hub the account already runs.
 * Exit 0 OK; 1 on any failed check (with --strict also on any not-verified check);
 * 2 on bad arguments or invalid configuration. The configuration and the AWS SDK clients load
 * only after the arguments are read, so `--help` answers at once.
 */
import { answerCommandLine, unexpectedArgument } from '../core';
/* eslint-disable @typescript-eslint/no-require-imports */
const lazy = {
  baselineConfig: () => require('../../config/baseline') as typeof import('../../config/baseline'),
  config: () => require('../../config/config') as typeof import('../../config/config'),
  baselineChecks: () => require('./baseline-checks') as typeof import('./baseline-checks'),
  preflight: () => require('./preflight') as typeof import('./preflight'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

const USAGE =
  'usage: npm run preflight [-- [--strict] [--baseline]]\n  --strict    a check the target cannot answer (not verified) fails too\n  --baseline  check the account baseline (TapAccountBaseline) instead of the environments';

/** The baseline's rows, as one report of the preflight table. */
async function baseline(strict: boolean): Promise<number> {
  const { createBaselineClients, preflightBaseline } = lazy.baselineChecks();
  const { countResults, formatPreflight } = lazy.preflight();
  const config = lazy.baselineConfig().loadBaselineConfig({ env: process.env });
  const endpoint = process.env.AWS_ENDPOINT_URL;
  console.log(
    `Preflight for ${config.stackId} (${config.region}, DR ${config.drRegion}` +
      (config.deployRole ? `, as ${config.deployRole.roleArn}` : '') +
      ')' +
      (endpoint ? ` against ${endpoint}` : ''),
  );
  const results = await preflightBaseline(config, createBaselineClients(config));
  const reports = [{ environment: config.stackId, region: config.region, results }];
  console.log(formatPreflight(reports, strict));
  const counts = countResults(reports);
  return counts.fail === 0 && (!strict || counts.notVerified === 0) ? 0 : 1;
}

async function main(argv: readonly string[]): Promise<number> {
  // As in plan and deploy: the SDK's notice about Node 22 is in docs/toolchain.md, not each run.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { ConfigError, loadConfigs } = lazy.config();
  if (argv.includes('--baseline')) {
    try {
      return await baseline(argv.includes('--strict'));
    } catch (e) {
      if (e instanceof ConfigError) {
        console.error(e.message);
        return 2;
      }
      throw e;
    }
  }
  let configs;
  try {
    configs = loadConfigs({ env: process.env });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  const endpoint = process.env.AWS_ENDPOINT_URL;
  const where = (c: (typeof configs)[number]) =>
    `${c.environment} (${c.region}${c.deployRole ? `, as ${c.deployRole.roleArn}` : ''})`;
  console.log(
    `Preflight for ${configs.map(where).join(', ')}` + (endpoint ? ` against ${endpoint}` : ''),
  );
  const result = await lazy.preflight().preflight(configs, { strict: argv.includes('--strict') });
  console.log(result.text);
  return result.passed ? 0 : 1;
}

const argv = process.argv.slice(2);
const answered = answerCommandLine('preflight', USAGE, argv, (a) => {
  const unknown = a.find((x) => x !== '--strict' && x !== '--baseline');
  return unknown === undefined ? undefined : unexpectedArgument(unknown);
});
if (answered !== undefined) process.exitCode = answered;
else
  main(argv).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 2;
    },
  );
