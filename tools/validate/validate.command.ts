/**
 * `npm run validate` (part of `npm test`): synthesizes the app for the production and
 * a standard profile and runs the real Terraform and AWS provider over every stack:
 * `terraform init -backend=false` (offline, from the provider mirror) and
 * `terraform validate -json`. Prints one line per stack; exits 1 with the diagnostics
 * when any stack is invalid.
 *
 *   VALIDATE_ENVIRONMENTS  environments to synthesize (default: prod,dev)
 *   VALIDATE_APP           app command (default: cdktf.json "app")
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  formatDuration,
  mapLimit,
  PhaseTimer,
  prepareTerraform,
  run,
  TerraformSetup,
} from '../core';
import { formatDiagnostics, validationKey, ValidateJson } from './validate';

const ROOT = path.resolve(__dirname, '..', '..');
/** Stacks whose exact JSON already passed `terraform validate` with this provider. */
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'validate');

/** init + validate one stack; true when valid (or unchanged since it last passed). */
async function validateStack(
  stack: { name: string; dir: string },
  tf: TerraformSetup,
  providers: string,
): Promise<boolean> {
  const started = Date.now();
  const key = validationKey(
    fs.readFileSync(path.join(stack.dir, 'cdk.tf.json'), 'utf8'),
    providers,
  );
  const cached = path.join(CACHE, key);
  if (process.env.VALIDATE_NO_CACHE !== '1' && fs.existsSync(cached)) {
    process.stdout.write(`  ${stack.name.padEnd(18)} valid (unchanged since it last passed)\n`);
    return true;
  }
  await run('terraform', ['init', '-backend=false', '-input=false', '-no-color'], {
    cwd: stack.dir,
    env: tf.env,
  });
  const result = await run('terraform', ['validate', '-json', '-no-color'], {
    cwd: stack.dir,
    env: tf.env,
    okCodes: [0, 1],
  });
  const json = JSON.parse(result.stdout) as ValidateJson;
  const status = json.valid ? 'valid' : 'INVALID';
  const warnings = json.warning_count > 0 ? `, ${json.warning_count} warning(s)` : '';
  process.stdout.write(
    `  ${stack.name.padEnd(18)} ${status}${warnings} (${formatDuration(Date.now() - started)})\n`,
  );
  for (const line of formatDiagnostics(stack.name, json)) process.stdout.write(`${line}\n`);
  if (json.valid) {
    fs.mkdirSync(CACHE, { recursive: true });
    fs.writeFileSync(cached, `${stack.name}\n`);
  }
  return json.valid;
}

async function main(): Promise<number> {
  const environments = process.env.VALIDATE_ENVIRONMENTS ?? 'prod,dev';
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'));
  const app = process.env.VALIDATE_APP ?? (cdktfJson.app as string);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-'));
  const outdir = path.join(work, 'cdktf.out');
  const phases = new PhaseTimer({ write: () => undefined });
  let tf: TerraformSetup;
  let failed = false;
  try {
    tf = prepareTerraform(work);
    await phases.run('synth', async () => {
      const env = {
        ...tf.env,
        CDKTF_OUTDIR: outdir,
        CDKTF_CONTEXT_JSON: JSON.stringify(cdktfJson.context ?? {}),
        ENVIRONMENT_SUFFIX: environments,
      };
      await run('sh', ['-c', app], { cwd: ROOT, env });
    });
    // The provider binaries, by path and size: a different provider validates again.
    const providers = tf.providers.map((p) => `${p.path}:${fs.statSync(p.path).size}`).join('\n');
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    const stacks = Object.entries(
      manifest.stacks as Record<string, { workingDirectory: string }>,
    ).map(([name, s]) => ({
      name,
      dir: path.join(outdir, s.workingDirectory),
    }));
    process.stdout.write(
      `validate: ${stacks.length} stacks synthesized for ${environments} (provider mirror ${tf.mirrorRoot})\n`,
    );
    // init symlinks the provider from the mirror (no copy, no cache): ~1 s a stack. Two at
    // a time on the 2-core machine; validate loads the ~700 MB provider once per stack.
    await phases.run('terraform init + validate', () =>
      mapLimit(stacks, 2, async (stack) => {
        if (!(await validateStack(stack, tf, providers))) failed = true;
      }),
    );
  } catch (error) {
    process.stderr.write(
      `validate failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    failed = true;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const times = phases.results.map((r) => `${r.name} ${formatDuration(r.durationMs)}`).join(', ');
  process.stdout.write(
    `validate: ${failed ? 'FAILED' : 'ok'} in ${formatDuration(phases.elapsedMs())} (${times})\n`,
  );
  return failed ? 1 : 0;
}

if (require.main === module) {
  main().then((code) => process.exit(code));
}
