import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { TerraformStack, Testing } from 'cdktf';
import { ValidateProviderPresence } from 'cdktf/lib/validations';
import { loadStateBackend } from '../../config/backend';
import { loadBaselineConfig } from '../../config/baseline';
import { loadConfigs } from '../../config/config';
import { AccountBaselineStack } from '../../stacks/account-baseline-stack';
import { synthesizeApp } from '../../stacks/app';
import { PlatformStack } from '../../stacks/platform-stack';
import { StateBackendStack } from '../../stacks/state-backend-stack';

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

describe('what the synth no longer asks cdktf to validate', () => {
  // synthesizeApp skips cdktf's validations (they run `terraform version` for every
  // terraform_data resource and moved block); the one that checks the code, not the
  // machine, runs here: every stack configures the providers its resources use.
  it('every stack has a provider construct for each provider its resources and data sources use', () => {
    const app = Testing.app();
    const env = { ENVIRONMENT_SUFFIX: 'dev,prod' };
    const stateBackend = loadStateBackend({ env }, { warn: () => undefined });
    const stacks = [
      ...loadConfigs({ env }).map((config) => new PlatformStack(app, { config, stateBackend })),
      new AccountBaselineStack(app, { config: loadBaselineConfig({ env }), stateBackend }),
      new StateBackendStack(app, { settings: stateBackend }),
    ];
    expect(
      stacks.map((stack) => [stack.node.id, new ValidateProviderPresence(stack).validate()]),
    ).toEqual([
      ['TapStackdev', []],
      ['TapStackprod', []],
      ['TapAccountBaseline', []],
      ['TapStateBackend', []],
    ]);
  });

  it('would name a stack whose resources use a provider it does not configure', () => {
    const stack = new TerraformStack(Testing.app(), 'Bare');
    new S3Bucket(stack, 'bucket');
    expect(new ValidateProviderPresence(stack).validate()).toEqual([
      expect.stringMatching(/to your stack 'Bare' for the following providers: aws$/),
    ]);
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

  it('refuses to synthesize stacks without it, before anything is written', () => {
    const base = mkdtempSync(join(tmpdir(), 'app-test-'));
    try {
      expect(() =>
        synthesizeApp({
          env: {},
          outdir: join(base, 'out'),
          providerLockFile: join(base, 'none.hcl'),
        }),
      ).toThrow(/none.hcl is missing: it pins the AWS provider and its checksums/);
      expect(existsSync(join(base, 'out'))).toBe(false);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('pins the version the stacks require, with checksums for every platform AWS releases it for', () => {
    const lock = readFileSync(join(__dirname, '..', '..', '.terraform.lock.hcl'), 'utf8');
    const run = synth({ ENVIRONMENT_SUFFIX: 'dev' });
    const required = run.docs.TapStackdev.terraform.required_providers.aws;
    expect(required).toEqual({ source: 'aws', version: '5.100.0' });
    // Terraform checks its own version wherever it runs: 1.11 and later 1.x releases.
    expect(
      Object.fromEntries(
        Object.entries(run.docs).map(([stack, doc]) => [stack, doc.terraform.required_version]),
      ),
    ).toEqual({
      TapAccountBaseline: '>= 1.11.0, < 2.0.0',
      TapStackdev: '>= 1.11.0, < 2.0.0',
      TapStateBackend: '>= 1.11.0, < 2.0.0',
    });
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

describe('an account per environment, state in a central account', () => {
  const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const ROLE = (a: string) => `arn:aws:iam::${a}:role/OrganizationAccountAccessRole`;
  const central = {
    ENVIRONMENT_SUFFIX: 'dev,prod',
    AWS_ACCOUNT_ID: 'dev=111111111111,prod=222222222222',
    DEPLOY_ROLE_ARN: `dev=${ROLE('111111111111')},prod=${ROLE('222222222222')}`,
    STATE_ACCOUNT_ID: '123456789012',
    STATE_KMS_KEY_ARN: KEY_ARN,
    BASELINE_ACCOUNT_ID: '111111111111',
    BASELINE_DEPLOY_ROLE_ARN: ROLE('111111111111'),
  };
  // One full synth serves every test that only reads it.
  let fullRun: ReturnType<typeof synth> | undefined;
  const full = () => (fullRun ??= synth(central));

  it("gives each environment its account's role and pin, and the state by its key ARN with the S3 lock file", () => {
    const run = full();
    expect(run.result).toEqual({ ok: true, outdir: run.outdir });
    expect(run.result.ok).toBe(true);
    for (const [env, account] of [
      ['dev', '111111111111'],
      ['prod', '222222222222'],
    ]) {
      const doc = run.docs[`TapStack${env}`];
      expect(doc.provider.aws[0]).toMatchObject({
        allowed_account_ids: [account],
        assume_role: [{ role_arn: ROLE(account), session_name: `healthcare-${env}-deploy` }],
      });
      expect(doc.terraform.backend.s3).toEqual({
        bucket: 'healthcare-platform-tfstate',
        key: `healthcare/${env}/TapStack${env}.tfstate`,
        region: 'eu-west-1',
        encrypt: true,
        // S3 takes only a key ARN for a key of another account: STATE_KMS_KEY_ARN, verbatim.
        kms_key_id: KEY_ARN,
        use_lockfile: true,
      });
    }
  });

  it("keeps each account's baseline under its account, through its role, and leaves the state bucket's logs to the state account", () => {
    const run = full();
    const baseline = run.docs.TapAccountBaseline;
    expect(baseline.terraform.backend.s3.key).toBe(
      'healthcare/account-111111111111/TapAccountBaseline.tfstate',
    );
    expect(baseline.terraform.backend.s3.kms_key_id).toBe(KEY_ARN);
    for (const provider of baseline.provider.aws) {
      expect(provider).toMatchObject({
        allowed_account_ids: ['111111111111'],
        assume_role: [
          { role_arn: ROLE('111111111111'), session_name: 'healthcare-account-deploy' },
        ],
      });
    }
    const logging = Object.values(baseline.resource.aws_s3_bucket_logging ?? {}) as Json[];
    expect(logging.map((l) => l.bucket)).not.toContain('healthcare-platform-tfstate');
  });

  it("has the tooling account's own baseline log the state bucket", () => {
    const run = synth({
      ...central,
      BASELINE_ACCOUNT_ID: '123456789012',
      BASELINE_DEPLOY_ROLE_ARN: ROLE('123456789012'),
    });
    const baseline = run.docs.TapAccountBaseline;
    expect(baseline.terraform.backend.s3.key).toBe(
      'healthcare/account-123456789012/TapAccountBaseline.tfstate',
    );
    const logging = Object.values(baseline.resource.aws_s3_bucket_logging ?? {}) as Json[];
    expect(logging.map((l) => l.bucket)).toContain('healthcare-platform-tfstate');
  });

  it("admits each environment's CI roles to its own folder of the state bucket", () => {
    const run = full();
    const boot = run.docs.TapStateBackend;
    expect(boot.provider.aws[0].allowed_account_ids).toEqual(['123456789012']);
    const statements = boot.data.aws_iam_policy_document['state-bucket-policy-document'].statement;
    expect(statements.map((s: Json) => s.sid)).toEqual([
      'DenyInsecureTransport',
      'DenyUploadsNotEncryptedWithKms',
      'DenyUploadsWithoutEncryptionHeader',
      'DenyKmsUploadsWithoutKeyId',
      'DenyUploadsWithAnotherKmsKey',
      'ListStateBucketDev',
      'ReadOwnStateDev',
      'LockOwnStateDev',
      'WriteOwnStateDev',
      'ListStateBucketProd',
      'ReadOwnStateProd',
      'LockOwnStateProd',
      'WriteOwnStateProd',
    ]);
    // ListBucket with no s3:prefix condition: a HeadObject of dev's missing first state
    // must answer 404 (S3 gives it only to a caller allowed s3:ListBucket), not 403.
    expect(statements.find((s: Json) => s.sid === 'ListStateBucketDev')).toEqual({
      sid: 'ListStateBucketDev',
      effect: 'Allow',
      principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::111111111111:root'] }],
      actions: ['s3:ListBucket'],
      resources: ['${aws_s3_bucket.state-bucket.arn}'],
      condition: [
        {
          test: 'ArnEquals',
          variable: 'aws:PrincipalArn',
          values: [
            'arn:aws:iam::111111111111:role/healthcare-ci-plan-dev',
            'arn:aws:iam::111111111111:role/healthcare-ci-apply-dev',
          ],
        },
      ],
    });
    // The key: what S3 calls KMS for with SSE-KMS, nothing more (no Encrypt, ReEncrypt, DescribeKey).
    const keyStatements = boot.data.aws_iam_policy_document['state-key-policy'].statement;
    expect(keyStatements.find((s: Json) => s.sid === 'StateObjectsThroughS3ForProd')).toEqual({
      sid: 'StateObjectsThroughS3ForProd',
      effect: 'Allow',
      principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::222222222222:root'] }],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      condition: [
        {
          test: 'StringEquals',
          variable: 'kms:ViaService',
          values: ['s3.eu-west-1.amazonaws.com'],
        },
        {
          test: 'ArnEquals',
          variable: 'aws:PrincipalArn',
          values: [
            'arn:aws:iam::222222222222:role/healthcare-ci-plan-prod',
            'arn:aws:iam::222222222222:role/healthcare-ci-apply-prod',
          ],
        },
      ],
    });
    const write = statements.find((s: Json) => s.sid === 'WriteOwnStateDev');
    expect(write).toMatchObject({
      principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::111111111111:root'] }],
      actions: ['s3:PutObject'],
      condition: [
        {
          test: 'ArnEquals',
          variable: 'aws:PrincipalArn',
          values: ['arn:aws:iam::111111111111:role/healthcare-ci-apply-dev'],
        },
      ],
    });
  });

  it('writes the bootstrap alone, with a note saying what to do, until STATE_KMS_KEY_ARN is set', () => {
    const { STATE_KMS_KEY_ARN, ...before } = central;
    void STATE_KMS_KEY_ARN;
    const run = synth(before);
    expect(run.result).toEqual({
      ok: true,
      outdir: run.outdir,
      note:
        'NOTE: only TapStateBackend was synthesized. STATE_KMS_KEY_ARN is not set. With central state (STATE_ACCOUNT_ID=123456789012) ' +
        'every stack but TapStateBackend names the state key by its key ARN (S3 requires it for a key in another account), and ' +
        'alias/healthcare-platform-tfstate has none until the bootstrap exists: deploy TapStateBackend, then set STATE_KMS_KEY_ARN ' +
        'to its output state_kms_key_arn, and synthesize again.',
    });
    expect(run.stacks).toEqual(['TapStateBackend']);
    // The bootstrap it writes is the one the full synth writes: the key ARN is its output, not its input.
    expect(run.docs.TapStateBackend).toEqual(full().docs.TapStateBackend);
  });

  it('asks no BASELINE_ACCOUNT_ID of the bootstrap alone (it writes no baseline)', () => {
    const run = synth({
      STATE_ACCOUNT_ID: '123456789012',
      AWS_ACCOUNT_ID: 'dev=111111111111,prod=222222222222',
    });
    expect(run.result.ok).toBe(true);
    expect(run.stacks).toEqual(['TapStateBackend']);
  });

  it('still refuses bad settings of every stack while it writes the bootstrap alone', () => {
    const { STATE_KMS_KEY_ARN, ...before } = central;
    void STATE_KMS_KEY_ARN;
    const run = synth({ ...before, VPC_CIDR: '10.0.0.0/33' });
    expect(run.result.ok ? '' : run.result.message).toMatch(/VPC_CIDR = "10.0.0.0\/33"/);
    expect(run.written).toBe(false);
  });

  it('requires BASELINE_ACCOUNT_ID with STATE_ACCOUNT_ID, and the S3 lock file', () => {
    const { BASELINE_ACCOUNT_ID, BASELINE_DEPLOY_ROLE_ARN, ...rest } = central;
    void BASELINE_ACCOUNT_ID;
    void BASELINE_DEPLOY_ROLE_ARN;
    const run = synth(rest);
    expect(run.result.ok).toBe(false);
    expect(run.result.ok ? '' : run.result.message).toMatch(
      /BASELINE_ACCOUNT_ID \(not set\): is required with STATE_ACCOUNT_ID/,
    );
    expect(run.written).toBe(false);
  });

  it("refuses a baseline making CI roles for another account's environment", () => {
    const run = synth({
      ...central,
      BASELINE_CI_REPOSITORY: 'acme/platform',
      BASELINE_CI_ENVIRONMENTS: 'prod=production',
    });
    expect(run.result.ok ? '' : run.result.message).toContain(
      'BASELINE_CI_ENVIRONMENTS = "prod=production": prod is in account 222222222222 (AWS_ACCOUNT_ID), but this baseline is for account 111111111111 (BASELINE_ACCOUNT_ID)',
    );
    expect(run.written).toBe(false);
  });
});
