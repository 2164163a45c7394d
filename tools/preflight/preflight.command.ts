/**
 * npm run preflight [-- --strict]
 *
 * Asks the target account and region whether every configured environment can be
 * deployed there (see docs/safety-nets.md). Reads the same configuration as main.ts.
 * Exit 0 OK; 1 on any failed check (with --strict also on any not-verified check);
 * 2 on bad arguments or invalid configuration.
 */
import { ConfigError, loadConfigs } from '../../config/config';
import { preflight } from './preflight';

const USAGE =
  'usage: npm run preflight [-- --strict]\n  --strict  a check the target cannot answer (not verified) fails too';

async function main(argv: readonly string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--strict');
  if (unknown.length > 0) {
    console.error(`preflight: unknown argument ${unknown.join(' ')}\n${USAGE}`);
    return 2;
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
  console.log(
    `Preflight for ${configs.map((c) => `${c.environment} (${c.region})`).join(', ')}` +
      (endpoint ? ` against ${endpoint}` : ''),
  );
  const result = await preflight(configs, { strict: argv.includes('--strict') });
  console.log(result.text);
  return result.passed ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(e);
    process.exitCode = 2;
  },
);
