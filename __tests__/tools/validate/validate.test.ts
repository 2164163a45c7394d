import {
  diagnosticsByStack,
  formatDiagnostics,
  pinnedProviderBinary,
  synthEnvironments,
  validationKey,
  validationRoot,
  ValidateJson,
} from '../../../tools/validate/validate';

const STACKS = [
  { name: 'TapStackdev', dir: 'stacks/TapStackdev' },
  { name: 'TapStackprod', dir: 'stacks/TapStackprod' },
];

describe('validate report', () => {
  it('prints one line per diagnostic with where and detail', () => {
    expect(
      formatDiagnostics('TapStackdev', [
        {
          severity: 'error',
          summary: 'Unsupported argument',
          detail: 'An argument named "x"\n  is not expected.',
          range: { filename: 'stacks/TapStackdev/cdk.tf.json', start: { line: 12 } },
        },
        { severity: 'warning', summary: 'Deprecated', address: 'aws_s3_bucket.b' },
        { severity: 'error', summary: 'Module not installed' },
      ]),
    ).toEqual([
      '    TapStackdev: error: Unsupported argument (stacks/TapStackdev/cdk.tf.json:12) — An argument named "x" is not expected.',
      '    TapStackdev: warning: Deprecated (aws_s3_bucket.b)',
      '    TapStackdev: error: Module not installed',
    ]);
  });
});

describe('validation root', () => {
  it('is one module per stack, named for it, sourced from its folder', () => {
    expect(JSON.parse(validationRoot(STACKS))).toEqual({
      module: {
        TapStackdev: { source: './stacks/TapStackdev' },
        TapStackprod: { source: './stacks/TapStackprod' },
      },
    });
  });
});

describe('diagnostics by stack', () => {
  const json = (diagnostics: ValidateJson['diagnostics']): ValidateJson => ({
    valid: false,
    error_count: diagnostics.filter((d) => d.severity === 'error').length,
    warning_count: diagnostics.filter((d) => d.severity === 'warning').length,
    diagnostics,
  });
  const at = (filename: string) => ({ filename, start: { line: 1 } });

  it('gives each stack the diagnostics in its files and drops only the ignored-backend warning', () => {
    const error = {
      severity: 'error' as const,
      summary: 'Extraneous JSON object property',
      range: at('stacks/TapStackdev/cdk.tf.json'),
    };
    const deprecated = {
      severity: 'warning' as const,
      summary: 'Argument is deprecated',
      range: at('stacks/TapStackprod/cdk.tf.json'),
    };
    const backend = {
      severity: 'warning' as const,
      summary: 'Backend configuration ignored',
      range: at('stacks/TapStackprod/cdk.tf.json'),
    };
    const byStack = diagnosticsByStack(json([error, deprecated, backend]), STACKS);
    expect(byStack.get('TapStackdev')).toEqual([error]);
    expect(byStack.get('TapStackprod')).toEqual([deprecated]);
    expect(byStack.has('(root)')).toBe(false);
  });

  it('reports under (root) what names no stack file, so nothing is lost', () => {
    const noFile = { severity: 'error' as const, summary: 'Module not installed' };
    const otherFile = { severity: 'error' as const, summary: 'x', range: at('main.tf.json') };
    // A stack whose name prefixes another's (TapStackdev2) does not take its diagnostics.
    const prefix = { severity: 'error' as const, summary: 'y', range: at('stacks/TapStackdev2/x') };
    const byStack = diagnosticsByStack(json([noFile, otherFile, prefix]), STACKS);
    expect(byStack.get('(root)')).toEqual([noFile, otherFile, prefix]);
    expect(byStack.get('TapStackdev')).toEqual([]);
    expect(byStack.get('TapStackprod')).toEqual([]);
  });
});

describe('validate cache key', () => {
  it('changes with the stack JSON and with the provider, and only then', () => {
    const key = validationKey('{"resource":{}}', '/mirror/aws_v5.100.0:123');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(validationKey('{"resource":{}}', '/mirror/aws_v5.100.0:123')).toBe(key);
    expect(validationKey('{"resource":{"a":{}}}', '/mirror/aws_v5.100.0:123')).not.toBe(key);
    expect(validationKey('{"resource":{}}', '/mirror/aws_v5.101.0:124')).not.toBe(key);
  });
});

describe('the provider binary taken from the mirror', () => {
  const stack = (version?: string) =>
    JSON.stringify({
      terraform: {
        required_providers: { aws: { source: 'aws', ...(version ? { version } : {}) } },
      },
    });
  const mirror = [
    { version: '5.99.1', path: '/m/aws/5.99.1/linux_amd64/terraform-provider-aws_v5.99.1_x5' },
    { version: '5.100.0', path: '/m/aws/5.100.0/linux_amd64/terraform-provider-aws_v5.100.0_x5' },
    { version: '6.0.0', path: '/m/aws/terraform-provider-aws_6.0.0_linux_amd64.zip' },
  ];

  it('is the unpacked binary of the exact version every stack pins', () => {
    const full = JSON.stringify({
      terraform: {
        required_providers: {
          aws: { source: 'registry.terraform.io/hashicorp/aws', version: '5.100.0' },
        },
      },
    });
    expect(pinnedProviderBinary([full], mirror)).toBe(
      '/m/aws/5.100.0/linux_amd64/terraform-provider-aws_v5.100.0_x5',
    );
    expect(pinnedProviderBinary([stack('5.100.0'), stack('5.100.0')], mirror)).toBe(
      '/m/aws/5.100.0/linux_amd64/terraform-provider-aws_v5.100.0_x5',
    );
    expect(pinnedProviderBinary([stack('5.99.1')], mirror)).toBe(
      '/m/aws/5.99.1/linux_amd64/terraform-provider-aws_v5.99.1_x5',
    );
  });

  it('is left to terraform init for a range, stacks that differ, no pin, a packed or missing version', () => {
    expect(pinnedProviderBinary([stack('~> 5.100')], mirror)).toBeUndefined();
    expect(pinnedProviderBinary([stack('>= 5.100.0')], mirror)).toBeUndefined();
    expect(pinnedProviderBinary([stack('5.100.0'), stack('5.99.1')], mirror)).toBeUndefined();
    expect(pinnedProviderBinary([stack('5.100.0'), stack()], mirror)).toBeUndefined();
    expect(pinnedProviderBinary([JSON.stringify({ resource: {} })], mirror)).toBeUndefined();
    expect(pinnedProviderBinary([stack('6.0.0')], mirror)).toBeUndefined();
    expect(pinnedProviderBinary([stack('5.101.0')], mirror)).toBeUndefined();
    // Constraints an attached provider would leave unchecked: a module's, another provider's.
    const withModule = JSON.stringify({
      ...JSON.parse(stack('5.100.0')),
      module: { m: { source: './m' } },
    });
    expect(pinnedProviderBinary([withModule], mirror)).toBeUndefined();
    const twoProviders = JSON.stringify({
      terraform: {
        required_providers: {
          aws: { source: 'aws', version: '5.100.0' },
          awsnext: { source: 'hashicorp/aws', version: '>= 6.0.0' },
        },
      },
    });
    expect(pinnedProviderBinary([twoProviders], mirror)).toBeUndefined();
    const otherSource = JSON.stringify({
      terraform: { required_providers: { aws: { source: 'example/aws', version: '5.100.0' } } },
    });
    expect(pinnedProviderBinary([otherSource], mirror)).toBeUndefined();
    expect(pinnedProviderBinary([], mirror)).toBeUndefined();
  });
});

describe('synthEnvironments', () => {
  const env = { PATH: '/bin', CDKTF_FRAMEWORK: 'cdktn', ENVIRONMENT_SUFFIX: 'prod,dev' };

  it('npm run validate: one run into the outdir, under the framework the caller chose', () => {
    expect(synthEnvironments(env, '/w/cdktf.out')).toEqual([
      {
        PATH: '/bin',
        CDKTF_FRAMEWORK: 'cdktn',
        ENVIRONMENT_SUFFIX: 'prod,dev',
        CDKTF_OUTDIR: '/w/cdktf.out',
      },
    ]);
  });

  it('npm run test:synth: cdktf into the outdir, cdktn into its own, the same settings otherwise', () => {
    expect(synthEnvironments(env, '/w/cdktf.out', '/w/cdktn.out')).toEqual([
      {
        PATH: '/bin',
        CDKTF_FRAMEWORK: 'cdktf',
        ENVIRONMENT_SUFFIX: 'prod,dev',
        CDKTF_OUTDIR: '/w/cdktf.out',
      },
      {
        PATH: '/bin',
        CDKTF_FRAMEWORK: 'cdktn',
        ENVIRONMENT_SUFFIX: 'prod,dev',
        CDKTF_OUTDIR: '/w/cdktn.out',
      },
    ]);
  });
});
