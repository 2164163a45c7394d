/**
 * npm run framework [-- cdktn|cdktf]
 *
 * Without an argument, says which framework the checkout installs. With one, rewrites the
 * `cdktf` and `cdktf-cli` dependencies in package.json (framework-switch.ts) and runs
 * `npm install` so that package-lock.json follows; run `npm test` afterwards.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FRAMEWORK_PACKAGES, FrameworkName, frameworkOf, switchFramework } from '.';

const USAGE = [
  'usage: npm run framework [-- cdktn|cdktf]',
  '  cdktn  CDK Terrain 0.24 (maintained continuation of CDKTF), installed under the name cdktf',
  '  cdktf  CDKTF 0.21 (the default; archived by HashiCorp in December 2025)',
  '  Without an argument: which one this checkout installs.',
].join('\n');

function main(argv: readonly string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const file = join(resolve(__dirname, '..', '..'), 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  const current = frameworkOf(pkg);
  if (argv.length === 0) {
    console.log(
      `This checkout installs ${current ?? 'neither framework as the switch writes it'}.`,
    );
    return 0;
  }
  const target = argv[0] as FrameworkName;
  if (argv.length > 1 || !(target in FRAMEWORK_PACKAGES)) {
    console.error(`framework: expected cdktn or cdktf, got ${argv.join(' ')}\n${USAGE}`);
    return 2;
  }
  if (current === target) {
    console.log(`This checkout already installs ${target}.`);
    return 0;
  }
  writeFileSync(file, `${JSON.stringify(switchFramework(pkg, target), null, 2)}\n`);
  // cdktn requires constructs >=10.6 <10.8, which package.json already pins (10.7.0).
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (install.status !== 0) {
    console.error('framework: npm install failed; package.json was changed, restore it with git');
    return 1;
  }
  console.log(
    `Switched to ${target}. Run npm test (it also proves both synthesize the same Terraform).`,
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
