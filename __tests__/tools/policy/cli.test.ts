import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, POLICY_USAGE, runPolicyCli } from '../../../tools/policy/cli';
import { withRuleTable } from '../../../tools/policy/docs';
import { readOutdir, synthesizeApp } from '../../../tools/policy/stacks';
import { doc, FAIL_CASES } from './fixtures';

/** A cdktf output folder with the given stacks, as `cdktf synth` writes it. */
function outdir(stacks: Record<string, object>): string {
  const dir = mkdtempSync(join(tmpdir(), 'policy-cli-'));
  const manifest: Record<string, object> = {};
  for (const [name, body] of Object.entries(stacks)) {
    mkdirSync(join(dir, 'stacks', name), { recursive: true });
    writeFileSync(join(dir, 'stacks', name, 'cdk.tf.json'), JSON.stringify(body));
    manifest[name] = { name, synthesizedStackPath: `stacks/${name}/cdk.tf.json` };
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version: 'x', stacks: manifest }));
  return dir;
}

function io(synth?: (projectDir: string, env: Record<string, string>) => string) {
  const out: string[] = [];
  const err: string[] = [];
  const files: Record<string, string> = {};
  return {
    out,
    err,
    files,
    io: {
      projectDir: '.',
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => err.push(t),
      writeFile: (p: string, t: string) => (files[p] = t),
      synth,
    },
  };
}

describe('policy CLI', () => {
  test('parses its flags and refuses unknown ones', () => {
    expect(parseArgs([])).toEqual({ env: 'prod,dev' });
    expect(parseArgs(['--dir', 'cdktf.out', '--json', 'p.json', '--env', 'prod'])).toEqual({
      dir: 'cdktf.out',
      json: 'p.json',
      env: 'prod',
    });
    expect(() => parseArgs(['--json'])).toThrow('--json needs a value');
    expect(() => parseArgs(['--dir', '--json'])).toThrow('--dir needs a value');
    expect(() => parseArgs(['-x'])).toThrow(/unknown argument "-x"/);
  });

  test('--dir: prints the table, writes JSON, exits 0 without failures', () => {
    const dir = outdir({
      TapStackprod: doc({}, 'prod'),
      TapStackdev: doc({}, 'dev'),
      TapStateBackend: doc({}, 'prod'),
    });
    const t = io();
    expect(runPolicyCli(['--dir', dir, '--json', 'out.json'], t.io)).toBe(0);
    const text = t.out.join('');
    expect(text).toContain('Stack TapStackprod (profile production)');
    expect(text).toContain('Stack TapStackdev (profile standard)');
    expect(text).toContain('Stack TapStateBackend (profile production)');
    expect(text).toContain('policy: no failures');
    expect(text).not.toContain('Failed (');
    expect(text).not.toContain('no TapStateBackend stack');
    expect(JSON.parse(t.files['out.json']).summary.total.FAIL).toBe(0);
  });

  test('exits 1 on a failure and notes a missing state-backend stack', () => {
    const dir = outdir({ TapStackprod: doc(FAIL_CASES['HIPAA-LOG-001'].patch, 'prod') });
    const t = io();
    expect(runPolicyCli(['--dir', dir], t.io)).toBe(1);
    expect(t.out.join('')).toMatch(/FAIL\s+high\s+HIPAA-LOG-001\s+aws_cloudwatch_log_group\.lg/);
    expect(t.out.join('')).toContain('policy: 1 failure(s)');
    expect(t.out.join('')).toContain('no TapStateBackend stack in this synth');
    // The failure again at the end, next to the verdict, so that nobody scrolls for it.
    const tail = t.out.join('').split('Failed (1): fix these, then run again\n')[1];
    expect(tail.split('\n')[0]).toBe('  TapStackprod  HIPAA-LOG-001  aws_cloudwatch_log_group.lg');
    expect(tail.indexOf('policy: 1 failure(s)')).toBeGreaterThan(0);
  });

  test('without --dir it synthesizes prod and dev and takes each profile from the config', () => {
    const dir = outdir({ TapStackprod: doc({}, 'prod'), TapStackdev: doc({}, 'dev') });
    const calls: Record<string, string>[] = [];
    const t = io((_p, env) => {
      calls.push(env);
      return dir;
    });
    expect(runPolicyCli([], t.io)).toBe(0);
    expect(calls).toEqual([{ ENVIRONMENT_SUFFIX: 'prod,dev' }]);
    expect(t.out.join('')).toContain('Stack TapStackdev (profile standard)');
  });

  test('refuses a synth that wrote no stack of an environment asked for, with the reason when it is central state before STATE_KMS_KEY_ARN', () => {
    const onlyProd = io(() => outdir({ TapStackprod: doc({}, 'prod') }));
    expect(runPolicyCli([], onlyProd.io)).toBe(2);
    expect(onlyProd.err.join('')).toBe(
      'policy: the synth wrote no TapStackdev, so nothing of it was checked\n',
    );
    const saved = process.env.STATE_ACCOUNT_ID;
    process.env.STATE_ACCOUNT_ID = '123456789012';
    try {
      const bootstrapOnly = io(() => outdir({ TapStateBackend: doc({}, 'prod') }));
      expect(runPolicyCli([], bootstrapOnly.io)).toBe(2);
      expect(bootstrapOnly.err.join('')).toBe(
        'policy: the synth wrote no TapStackprod, TapStackdev, so nothing of them was checked. ' +
          'STATE_KMS_KEY_ARN is not set. With central state (STATE_ACCOUNT_ID=123456789012) every stack but TapStateBackend ' +
          'names the state key by its key ARN (S3 requires it for a key in another account), and alias/healthcare-platform-tfstate ' +
          'has none until the bootstrap exists: deploy TapStateBackend, then set STATE_KMS_KEY_ARN to its output state_kms_key_arn\n',
      );
    } finally {
      if (saved === undefined) delete process.env.STATE_ACCOUNT_ID;
      else process.env.STATE_ACCOUNT_ID = saved;
    }
  });

  test('usage and synth errors exit 2 with a message', () => {
    const bad = io();
    expect(runPolicyCli(['--bogus'], bad.io)).toBe(2);
    expect(bad.err.join('')).toBe(
      `policy: unknown argument "--bogus" (expected --dir <cdktf.out>, --env <a,b>, --json <file>)\n${POLICY_USAGE}\n`,
    );
    const missing = io();
    expect(runPolicyCli(['--dir', join(tmpdir(), 'does-not-exist-policy')], missing.io)).toBe(2);
    expect(missing.err.join('')).toMatch(/manifest.json not found/);
    const throwing = io(() => {
      throw 'boom';
    });
    expect(runPolicyCli([], throwing.io)).toBe(2);
    expect(throwing.err.join('')).toBe('policy: boom\n');
  });

  test('synthesizeApp runs the app with CDKTF_OUTDIR set and reports a failing synth', () => {
    // Outside the repository: a file written inside it races the concurrent lint of `npm test`
    // (oxlint failed CI on this app's require() calls). It needs only Node's own modules.
    const project = mkdtempSync(join(tmpdir(), 'policy-app-'));
    writeFileSync(
      join(project, 'main.ts'),
      `const fs = require('node:fs'); const p = require('node:path'); const d = process.env.CDKTF_OUTDIR;
       if (process.env.ENVIRONMENT_SUFFIX === 'bad') { console.error('Invalid configuration'); process.exit(1); }
       fs.mkdirSync(p.join(d, 'stacks', 'S'), { recursive: true });
       fs.writeFileSync(p.join(d, 'stacks', 'S', 'cdk.tf.json'), '{}');
       fs.writeFileSync(p.join(d, 'manifest.json'), JSON.stringify({ stacks: { S: { synthesizedStackPath: 'stacks/S/cdk.tf.json' } } }));`,
    );
    try {
      const dir = synthesizeApp(project, { ENVIRONMENT_SUFFIX: 'prod' });
      expect(readOutdir(dir)).toEqual([{ name: 'S', doc: {} }]);
      expect(() => synthesizeApp(project, { ENVIRONMENT_SUFFIX: 'bad' })).toThrow(
        /synthesis failed \(node tools\/synth\/run-app.cjs main.ts, exit 1\):\nInvalid configuration/,
      );
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 30000);
});

describe('docs/policy.md', () => {
  test('its rule table is current (regenerate with node --require tsx/cjs tools/policy/docs.command.ts)', () => {
    const current = readFileSync('docs/policy.md', 'utf8');
    // Prettier re-pads the table: compare with padding collapsed.
    const norm = (md: string) => md.replace(/ +/g, ' ').replace(/-{3,}/g, '---');
    expect(norm(withRuleTable(current))).toBe(norm(current));
    expect(() => withRuleTable('no markers')).toThrow(/lacks the/);
  });
});
