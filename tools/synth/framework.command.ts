/**
 * `npm run test:framework` (part of `npm test`): synthesizes the app for prod and dev under
 * cdktf and under cdktn (CDK Terrain) and fails on any difference in the Terraform JSON.
 * `--help` prints this and exits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FRAMEWORKS, runApp, synthDifferences } from '.';

const USAGE =
  'usage: npm run test:framework\n  Synthesizes prod and dev under cdktf 0.21 and under CDK Terrain (cdktn) and requires the same Terraform JSON.';

function main(argv: readonly string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  if (argv.length > 0) {
    console.error(`test:framework: unexpected argument ${argv[0]}\n${USAGE}`);
    return 2;
  }
  const work = mkdtempSync(join(tmpdir(), 'framework-'));
  try {
    const projectDir = resolve(__dirname, '..', '..');
    const outs = FRAMEWORKS.map((framework) => {
      const outdir = join(work, framework);
      runApp({
        projectDir,
        outdir,
        env: { ...process.env, CDKTF_FRAMEWORK: framework, ENVIRONMENT_SUFFIX: 'prod,dev' },
      });
      return outdir;
    });
    const problems = synthDifferences(outs[0], outs[1]);
    if (problems.length > 0) {
      console.error(`cdktf and cdktn synthesize different Terraform:\n  ${problems.join('\n  ')}`);
      return 1;
    }
    console.log('cdktf 0.21 and cdktn synthesize the same Terraform JSON for prod and dev');
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = main(process.argv.slice(2));
