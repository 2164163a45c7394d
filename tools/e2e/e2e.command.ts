/**
 * `npm run test:e2e`: the end-to-end run on the local AWS emulator (e2e-main.ts; docs/e2e.md).
 * `--help` answers without loading it (and the SDK clients it loads).
 */
const USAGE = [
  'usage: npm run test:e2e',
  '  Deploys the stacks to a local AWS emulator, runs the integration tests, the day-2 lifecycle',
  '  and the drills, destroys everything (docs/e2e.md). Settings: E2E_ENVIRONMENTS, E2E_REGION,',
  '  E2E_LIFECYCLE_ENVIRONMENT, E2E_DRILL_ENVIRONMENT, E2E_SKIP_PLATFORM, TF_PROVIDER_MIRROR,',
  '  MOTO_PYTHON.',
].join('\n');

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(`${USAGE}\n`);
} else if (argv.length > 0) {
  process.stderr.write(`test:e2e: unexpected argument ${argv[0]}\n${USAGE}\n`);
  process.exitCode = 2;
} else {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { e2eMain } = require('./e2e-main') as { e2eMain: () => Promise<number> };
  e2eMain().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
