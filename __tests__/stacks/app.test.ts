import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeApp } from '../../stacks/app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** synthesizeApp into a fresh folder; the folder is removed after the test. */
function synth(env: Record<string, string>) {
  const base = mkdtempSync(join(tmpdir(), 'app-test-'));
  const outdir = join(base, 'out');
  try {
    const result = synthesizeApp({ env, outdir });
    const stacks = existsSync(join(outdir, 'stacks'))
      ? readdirSync(join(outdir, 'stacks')).sort()
      : [];
    const docs: Record<string, Json> = {};
    for (const stack of stacks) {
      docs[stack] = JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
    }
    return { result, outdir, written: existsSync(outdir), stacks, docs };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

describe('synthesizeApp', () => {
  it('writes one stack per listed environment, and reads the cdktf context', () => {
    const run = synth({
      ENVIRONMENT_SUFFIX: 'dev,qa@us-east-1',
      CDKTF_CONTEXT_JSON: '{"azCount": 3}',
    });
    expect(run.result).toEqual({ ok: true, outdir: run.outdir });
    expect(run.stacks).toEqual([
      'TapAccountBaseline',
      'TapStackdev',
      'TapStackqa',
      'TapStateBackend',
    ]);
    expect(run.docs.TapStackqa.provider.aws[0].region).toBe('us-east-1');
    expect(Object.keys(run.docs.TapStackdev.resource.aws_nat_gateway)).toHaveLength(1);
    expect(Object.keys(run.docs.TapStackdev.resource.aws_subnet)).toHaveLength(9);
  });

  it.each([
    [
      // One message names every bad setting, whichever loader reads it.
      { ENVIRONMENT_SUFFIX: 'Prod!', STATE_BUCKET: 'Bad_Bucket', BASELINE_DR_REGION: 'eu-west-1' },
      [
        /^Invalid configuration \(4 problems\); nothing was synthesized:\n/,
        /ENVIRONMENT_SUFFIX = "Prod!": each environment suffix must start with a lowercase letter/,
        /STATE_BUCKET = "Bad_Bucket"/,
        /BASELINE_DR_REGION = "eu-west-1": must differ from the home region/,
      ],
    ],
    [
      { VPC_CIDR: '10.0.0.0/33' },
      [
        /^Invalid configuration \(1 problem\)/,
        /VPC_CIDR = "10.0.0.0\/33": must be an IPv4 CIDR block/,
      ],
    ],
    [
      // A misspelled variable would have synthesized prod with every default.
      { ENVIROMENT_SUFFIX: 'staging' },
      [
        /^Invalid configuration \(1 problem\)/,
        /ENVIROMENT_SUFFIX = "staging": is not a setting; did you mean ENVIRONMENT_SUFFIX\?/,
      ],
    ],
    [
      { CDKTF_CONTEXT_JSON: '{"azCout": 3, "bogus": 1, "cdktfRelativeModules": []}' },
      [
        /^Invalid configuration \(2 problems\)/,
        /context "azCout" = "3": is not a setting; did you mean "azCount"\?/,
        /context "bogus" = "1": is not a setting \(cdktf.json "context" takes only/,
      ],
    ],
    [
      { CDKTF_CONTEXT_JSON: '{' },
      [/^CDKTF_CONTEXT_JSON is not valid JSON; nothing was synthesized$/],
    ],
    [{ CDKTF_CONTEXT_JSON: 'null' }, [/^CDKTF_CONTEXT_JSON must be a JSON object of context keys/]],
    [{ CDKTF_CONTEXT_JSON: '[1]' }, [/^CDKTF_CONTEXT_JSON must be a JSON object of context keys/]],
  ])('stops on bad input %j with one message and nothing written', (env, messages) => {
    const run = synth(env);
    expect(run.result.ok).toBe(false);
    const message = run.result.ok ? '' : run.result.message;
    for (const pattern of messages) expect(message).toMatch(pattern);
    expect(run.written).toBe(false);
  });

  it("writes to the env's CDKTF_OUTDIR when no outdir is given, as the cdktf CLI sets it", () => {
    const base = mkdtempSync(join(tmpdir(), 'app-test-'));
    try {
      const outdir = join(base, 'from-env');
      expect(synthesizeApp({ env: { CDKTF_OUTDIR: outdir } })).toEqual({ ok: true, outdir });
      expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual([
        'TapAccountBaseline',
        'TapStackprod',
        'TapStateBackend',
      ]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('lets an error that is not a configuration problem through', () => {
    // An environment that cannot be read past the context: a fault, not a bad setting.
    const env = new Proxy<Record<string, string>>(
      {},
      {
        get: (_target, key) => {
          if (key === 'CDKTF_CONTEXT_JSON') return undefined;
          throw new TypeError('unreadable environment');
        },
      },
    );
    const outdir = join(tmpdir(), `app-test-never-${process.pid}`);
    expect(() => synthesizeApp({ env, outdir })).toThrow('unreadable environment');
    expect(existsSync(outdir)).toBe(false);
  });
});

describe('the provider lock', () => {
  it('is copied, byte for byte, into every stack folder', () => {
    const base = mkdtempSync(join(tmpdir(), 'app-test-'));
    try {
      const outdir = join(base, 'out');
      const lockFile = join(base, 'lock.hcl');
      writeFileSync(lockFile, 'provider "registry.terraform.io/hashicorp/aws" {}\n');
      expect(
        synthesizeApp({ env: { ENVIRONMENT_SUFFIX: 'dev' }, outdir, providerLockFile: lockFile })
          .ok,
      ).toBe(true);
      for (const stack of ['TapAccountBaseline', 'TapStackdev', 'TapStateBackend']) {
        expect(readFileSync(join(outdir, 'stacks', stack, '.terraform.lock.hcl'), 'utf8')).toBe(
          'provider "registry.terraform.io/hashicorp/aws" {}\n',
        );
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('refuses to synthesize stacks without it', () => {
    const base = mkdtempSync(join(tmpdir(), 'app-test-'));
    try {
      expect(() =>
        synthesizeApp({
          env: {},
          outdir: join(base, 'out'),
          providerLockFile: join(base, 'none.hcl'),
        }),
      ).toThrow(/none.hcl is missing: it pins the AWS provider and its checksums/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('pins the version the stacks require, with checksums for every platform AWS releases it for', () => {
    const lock = readFileSync(join(__dirname, '..', '..', '.terraform.lock.hcl'), 'utf8');
    const run = synth({ ENVIRONMENT_SUFFIX: 'dev' });
    const required = run.docs.TapStackdev.terraform.required_providers.aws;
    expect(required).toEqual({ source: 'aws', version: '5.100.0' });
    expect(lock).toContain(
      [
        'provider "registry.terraform.io/hashicorp/aws" {',
        '  version     = "5.100.0"',
        '  constraints = "5.100.0"',
      ].join('\n'),
    );
    // 14 platform packages (h1: one per package) and the release's SHA256SUMS (zh:).
    expect(lock.match(/"h1:/g)).toHaveLength(14);
    expect(lock.match(/"zh:/g)).toHaveLength(15);
    // linux_amd64, computed from the provider binary with `terraform providers lock`.
    expect(lock).toContain('"h1:edXOJWE4ORX8Fm+dpVpICzMZJat4AX0VRCAy/xkcOc0="');
  });
});
