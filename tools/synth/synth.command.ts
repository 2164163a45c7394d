/**
 * npm run synth [-- --out <dir>]
 *
 * Synthesizes the app as `cdktf synth` does (cdktf.json's "app" and "context"), without the
 * CLI's two seconds of start-up and without its second copy of every error: bad input is
 * printed once, exit 1, nothing written. Writes cdktf.out/ (or --out) and lists the stacks.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runApp } from '.';

const USAGE = [
  'usage: npm run synth [-- --out <dir>]',
  '  Writes the Terraform JSON of every stack (one TapStack<env> per ENVIRONMENT_SUFFIX item,',
  '  TapStateBackend, TapAccountBaseline) to cdktf.out/stacks/ (or <dir>/stacks/).',
].join('\n');

function main(argv: readonly string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let out = 'cdktf.out';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1] && !argv[i + 1].startsWith('-')) out = argv[++i];
    else if (argv[i].startsWith('--out=') && argv[i].length > 6) out = argv[i].slice(6);
    else {
      console.error(`synth: unexpected argument ${argv[i]}\n${USAGE}`);
      return 2;
    }
  }
  const projectDir = resolve(__dirname, '..', '..');
  const cdktfJson = JSON.parse(readFileSync(join(projectDir, 'cdktf.json'), 'utf8'));
  const outdir = resolve(out);
  try {
    runApp({
      projectDir,
      outdir,
      env: { ...process.env, CDKTF_CONTEXT_JSON: JSON.stringify(cdktfJson.context ?? {}) },
    });
  } catch (error) {
    // The app's own message (one problem per bad setting), printed once.
    console.error((error as Error & { appOutput?: string }).appOutput ?? (error as Error).message);
    return 1;
  }
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  console.log(`Synthesized ${Object.keys(manifest.stacks).join(', ')} into ${out}/stacks/`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
