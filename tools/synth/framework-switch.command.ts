/**
 * npm run framework [-- cdktn|cdktf]
 *
 * Without an argument, says which framework the checkout installs. With one, keeps the
 * current package.json and package-lock.json (node_modules/.cache/framework/<name>/), then
 * either restores the kept pair of the target and runs `npm ci` (so switching back gives
 * exactly the lock file you had), or rewrites the `cdktf` and `cdktf-cli` dependencies
 * (framework-switch.ts) and runs `npm install`. Run `npm test` afterwards.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  const root = resolve(__dirname, '..', '..');
  const kept = (name: string) => join(root, 'node_modules', '.cache', 'framework', name);
  const pair = ['package.json', 'package-lock.json'];
  if (current) {
    mkdirSync(kept(current), { recursive: true });
    for (const f of pair) copyFileSync(join(root, f), join(kept(current), f));
  }
  const restore = existsSync(join(kept(target), 'package-lock.json'));
  if (restore) {
    for (const f of pair) copyFileSync(join(kept(target), f), join(root, f));
  } else {
    // cdktn requires constructs >=10.6 <10.8, which package.json already pins (10.7.0).
    writeFileSync(file, `${JSON.stringify(switchFramework(pkg, target), null, 2)}\n`);
  }
  const install = spawnSync('npm', [restore ? 'ci' : 'install', '--no-audit', '--no-fund'], {
    stdio: 'inherit',
  });
  if (install.status !== 0) {
    console.error('framework: npm install failed; package.json was changed, restore it with git');
    return 1;
  }
  console.log(
    `Switched to ${target}${restore ? ' (the package.json and lock file it had before)' : ''}. ` +
      `Run npm test. The CLI of ${target} is \`npx ${target}\`.`,
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
