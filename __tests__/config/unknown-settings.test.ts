import { KNOWN_SETTINGS, checkSettingNames } from '../../config/setting-names';
import {
  editDistance,
  knownSettings,
  nearMissLimit,
  nearMissOf,
  unknownSettingProblems,
} from '../../config/unknown-settings';

describe('editDistance', () => {
  it.each([
    ['ENVIRONMENT_SUFFIX', 'ENVIRONMENT_SUFFIX', 0],
    ['ENVIROMENT_SUFFIX', 'ENVIRONMENT_SUFFIX', 1], // a letter left out
    ['ENVIRONEMNT_SUFFIX', 'ENVIRONMENT_SUFFIX', 1], // two letters swapped
    ['ENVIRONMENT_SUFIXX', 'ENVIRONMENT_SUFFIX', 2],
    ['AZ_COUNT', 'VPC_CIDR', 7],
    ['', 'ABC', 3],
  ])('%s → %s is %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('nearMissOf', () => {
  const names = ['ENVIRONMENT_SUFFIX', 'VPC_CIDR', 'AWS_REGION'];

  it('takes one edit as a miss of a name of up to 9 characters, and two as none', () => {
    expect(nearMissLimit('VPC_CIDR')).toBe(1);
    expect(nearMissLimit('AWS_REGION')).toBe(2);
    expect(nearMissOf('VPC_CIDRS', names)).toBe('VPC_CIDR');
    expect(nearMissOf('VPC_CIDRSS', names)).toBeUndefined();
  });

  it('takes two edits as a miss of a longer name, and three as none', () => {
    expect(nearMissOf('ENVIRONMENT_SUFIXX', names)).toBe('ENVIRONMENT_SUFFIX');
    expect(nearMissOf('ENVIRONMENT_SUFIXXX', names)).toBeUndefined();
    expect(nearMissOf('AWS_REGIONS', names)).toBe('AWS_REGION');
  });

  it('ignores case, and an exact name is no miss', () => {
    expect(nearMissOf('environment_suffix', names)).toBe('ENVIRONMENT_SUFFIX');
    expect(nearMissOf('ENVIRONMENT_SUFFIX', names)).toBeUndefined();
  });

  it('names the closest setting when two are near', () => {
    expect(nearMissOf('AB_CDE', ['AB_CDF', 'AB_CDEFG'])).toBe('AB_CDF');
  });
});

describe('unknownSettingProblems', () => {
  const known = knownSettings([
    {
      env: {
        envVar: 'ENVIRONMENT_SUFFIX',
        contextKey: 'env',
        description: '',
        defaultText: '',
        ruleText: '',
      },
    },
  ]);

  it('refuses a near-miss variable with the setting it looks like, and leaves others alone', () => {
    const problems = unknownSettingProblems(
      { env: { ENVIROMENT_SUFFIX: 'staging', HOME: '/root', unset: undefined } },
      known,
    );
    expect(problems).toEqual([
      {
        setting: 'ENVIROMENT_SUFFIX',
        value: 'staging',
        rule: 'is not a setting; did you mean ENVIRONMENT_SUFFIX? (a misspelled setting would be ignored and its default used)',
      },
    ]);
  });

  it("refuses every context key no table knows, naming a close one, and lets cdktf's own pass", () => {
    const context: Record<string, unknown> = { envv: 'dev', other: 1, cdktfRelativeModules: [] };
    const problems = unknownSettingProblems(
      { env: {}, context: (k) => context[k] },
      known,
      Object.keys(context),
    );
    expect(problems.map((p) => [p.setting, p.value, p.rule])).toEqual([
      ['context "envv"', 'dev', expect.stringMatching(/^is not a setting; did you mean "env"\?/)],
      ['context "other"', '1', expect.stringMatching(/^is not a setting \(cdktf.json "context"/)],
    ]);
  });
});

describe("the app's settings", () => {
  it('knows every table: platform, baseline and the state overrides', () => {
    const vars = KNOWN_SETTINGS.map((k) => k.envVar);
    for (const name of [
      'ENVIRONMENT_SUFFIX',
      'BASELINE_PROFILE',
      'STATE_BUCKET',
      'STATE_BACKEND',
    ]) {
      expect(vars).toContain(name);
    }
  });

  it('passes the variables a GitHub Actions runner and an AWS shell set', () => {
    const env: Record<string, string> = {};
    for (const name of [
      'GITHUB_ACTIONS',
      'GITHUB_REPOSITORY',
      'GITHUB_REF_NAME',
      'GITHUB_ENV',
      'RUNNER_OS',
      'RUNNER_ENVIRONMENT',
      'RUNNER_TEMP',
      'ACTIONS_ID_TOKEN_REQUEST_URL',
      'AWS_DEFAULT_REGION',
      'AWS_PROFILE',
      'AWS_ROLE_ARN',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'AWS_SESSION_TOKEN',
      'AWS_ENDPOINT_URL',
      'TF_CLI_CONFIG_FILE',
      'TF_PROVIDER_MIRROR',
      'TF_IN_AUTOMATION',
      'CDKTF_OUTDIR',
      'CDKTF_CONTEXT_JSON',
      'NODE_OPTIONS',
      'HOME',
      'PATH',
      'CI',
    ]) {
      env[name] = 'x';
    }
    expect(() => checkSettingNames({ env }, [])).not.toThrow();
  });
});
