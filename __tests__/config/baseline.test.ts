import { BASELINE_SETTINGS, DEFAULT_DR_REGIONS, loadBaselineConfig } from '../../config/baseline';
import { BLANK_RULE, ConfigError } from '../../config/config';
import { AWS_REGIONS } from '../../config/regions';

const load = (env: Record<string, string | undefined>, context: Record<string, unknown> = {}) =>
  loadBaselineConfig({ env, context: (key) => context[key] });

/** The ConfigError's problems for this input; fails the test when none is thrown. */
function problemsOf(env: Record<string, string>, context: Record<string, unknown> = {}) {
  try {
    load(env, context);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('baseline defaults (nothing set)', () => {
  const config = load({});

  it('is TapAccountBaseline, production, eu-west-1 with DR in eu-central-1', () => {
    expect(config).toMatchObject({
      stackId: 'TapAccountBaseline',
      profile: 'production',
      isProduction: true,
      region: 'eu-west-1',
      drRegion: 'eu-central-1',
      protectStatefulResources: true,
    });
  });

  it('runs every control itself (mode on) and owns the account-wide settings', () => {
    expect(config).toMatchObject({
      cloudTrail: 'on',
      config: 'on',
      guardDuty: 'on',
      securityHub: 'on',
      accountWide: true,
    });
    expect(config.alarmEmail).toBeUndefined();
  });

  it('requires an alarm subscriber (production): the deploy gate and preflight refuse none', () => {
    expect(config.alarmSubscriberRequired).toBe(true);
  });

  it('keeps 6 years under governance-mode locks: nothing irreversible unless asked for', () => {
    expect(config).toMatchObject({
      archiveLockMode: 'GOVERNANCE',
      archiveRetentionDays: 2192,
      trailLogRetentionDays: 365,
      vaultLockMode: 'governance',
      vaultLockChangeableForDays: 3,
      dailyBackupRetentionDays: 35,
      monthlyBackupRetentionDays: 2192,
      continuousBackupRetentionDays: 35,
      syntheticBackupRetentionDays: 7,
      kmsDeletionWindowDays: 30,
    });
  });
});

describe('the standard profile', () => {
  it('uses governance modes, short retention and no monthly backups', () => {
    expect(load({ BASELINE_PROFILE: 'standard' })).toMatchObject({
      profile: 'standard',
      isProduction: false,
      protectStatefulResources: false,
      archiveLockMode: 'GOVERNANCE',
      archiveRetentionDays: 30,
      trailLogRetentionDays: 30,
      vaultLockMode: 'governance',
      monthlyBackupRetentionDays: undefined,
      syntheticBackupRetentionDays: 7,
      alarmSubscriberRequired: false,
    });
  });
});

describe('compliance-mode locks are explicit opt-ins', () => {
  it.each([
    ['production', {}],
    ['standard', { BASELINE_PROFILE: 'standard' }],
  ])('%s takes COMPLIANCE / compliance only when the settings say so', (_profile, env) => {
    expect(
      load({
        ...env,
        BASELINE_ARCHIVE_LOCK_MODE: 'COMPLIANCE',
        BASELINE_VAULT_LOCK_MODE: 'compliance',
      }),
    ).toMatchObject({ archiveLockMode: 'COMPLIANCE', vaultLockMode: 'compliance' });
  });
});

describe('service modes (on, organization, off)', () => {
  const VARIABLES = {
    BASELINE_CLOUDTRAIL: 'cloudTrail',
    BASELINE_CONFIG: 'config',
    BASELINE_GUARDDUTY: 'guardDuty',
    BASELINE_SECURITY_HUB: 'securityHub',
  } as const;

  it.each(
    Object.entries(VARIABLES).flatMap(([variable, field]) =>
      (['on', 'organization', 'off'] as const).map((mode) => [variable, field, mode] as const),
    ),
  )('%s=%s reads as %s', (variable, field, mode) => {
    const config = load({ [variable]: mode });
    expect(config[field]).toBe(mode);
    // The others keep their default.
    for (const other of Object.values(VARIABLES).filter((f) => f !== field))
      expect(config[other]).toBe('on');
  });

  it.each(Object.keys(VARIABLES))('%s refuses a value that is no mode', (variable) => {
    expect(problemsOf({ [variable]: 'yes' })).toEqual([
      { setting: variable, value: 'yes', rule: 'must be one of on, organization, off' },
    ]);
  });

  it('lets Config run without the trail: Config delivers to a bucket of its own', () => {
    expect(load({ BASELINE_CLOUDTRAIL: 'off' })).toMatchObject({ cloudTrail: 'off', config: 'on' });
    expect(load({ BASELINE_CLOUDTRAIL: 'organization' }).config).toBe('on');
  });

  it('keeps BASELINE_ACCOUNT_WIDE an on/off switch', () => {
    expect(problemsOf({ BASELINE_ACCOUNT_WIDE: 'organization' })).toEqual([
      { setting: 'BASELINE_ACCOUNT_WIDE', value: 'organization', rule: 'must be one of on, off' },
    ]);
  });
});

describe('BASELINE_SYNTHETIC_BACKUP_RETENTION_DAYS', () => {
  it.each([
    ['1', 1],
    ['35', 35],
  ])('accepts %s (a bound)', (raw, days) => {
    expect(
      load({ BASELINE_SYNTHETIC_BACKUP_RETENTION_DAYS: raw }).syntheticBackupRetentionDays,
    ).toBe(days);
  });

  it.each(['0', '36', '7.5'])('refuses %s', (raw) => {
    expect(problemsOf({ BASELINE_SYNTHETIC_BACKUP_RETENTION_DAYS: raw })).toEqual([
      {
        setting: 'BASELINE_SYNTHETIC_BACKUP_RETENTION_DAYS',
        value: raw,
        rule: 'must be an integer from 1 to 35',
      },
    ]);
  });
});

describe('overrides', () => {
  it('reads every setting from the environment', () => {
    expect(
      load({
        BASELINE_REGION: 'us-east-1',
        BASELINE_DR_REGION: 'us-east-2',
        BASELINE_CLOUDTRAIL: 'organization',
        BASELINE_CONFIG: 'off',
        BASELINE_GUARDDUTY: 'organization',
        BASELINE_SECURITY_HUB: 'off',
        BASELINE_ACCOUNT_WIDE: 'off',
        BASELINE_ALARM_EMAIL: 'security@example.org',
        BASELINE_ARCHIVE_LOCK_MODE: 'GOVERNANCE',
        BASELINE_ARCHIVE_RETENTION_DAYS: '3653',
        BASELINE_TRAIL_LOG_RETENTION_DAYS: '731',
        BASELINE_VAULT_LOCK_MODE: 'governance',
        BASELINE_DAILY_BACKUP_RETENTION_DAYS: '60',
        BASELINE_SYNTHETIC_BACKUP_RETENTION_DAYS: '14',
      }),
    ).toMatchObject({
      region: 'us-east-1',
      drRegion: 'us-east-2',
      cloudTrail: 'organization',
      config: 'off',
      guardDuty: 'organization',
      securityHub: 'off',
      accountWide: false,
      alarmEmail: 'security@example.org',
      archiveLockMode: 'GOVERNANCE',
      archiveRetentionDays: 3653,
      trailLogRetentionDays: 731,
      vaultLockMode: 'governance',
      dailyBackupRetentionDays: 60,
      syntheticBackupRetentionDays: 14,
    });
  });

  it('reads the cdktf context when the variable is unset', () => {
    expect(load({}, { baselineProfile: 'standard', baselineRegion: 'eu-west-2' })).toMatchObject({
      profile: 'standard',
      region: 'eu-west-2',
      drRegion: 'eu-west-1',
    });
  });

  it("follows the platform's AWS_REGION (and context region) for the home region", () => {
    expect(load({ AWS_REGION: 'us-west-2' })).toMatchObject({
      region: 'us-west-2',
      drRegion: 'us-east-1',
    });
    expect(load({}, { region: 'ap-southeast-2' })).toMatchObject({
      region: 'ap-southeast-2',
      drRegion: 'ap-southeast-4',
    });
    // Blank or unknown platform regions are the platform's to report.
    expect(load({ AWS_REGION: ' ' }).region).toBe('eu-west-1');
    expect(load({ AWS_REGION: 'mars-1' }).region).toBe('eu-west-1');
  });
});

describe('DEFAULT_DR_REGIONS', () => {
  it.each(AWS_REGIONS.map((r) => [r]))('gives %s another known region', (region) => {
    expect(AWS_REGIONS).toContain(DEFAULT_DR_REGIONS[region]);
    expect(DEFAULT_DR_REGIONS[region]).not.toBe(region);
  });

  it('keeps EU regions in the EU', () => {
    for (const region of AWS_REGIONS.filter((r) => r.startsWith('eu-')))
      expect(DEFAULT_DR_REGIONS[region]).toMatch(/^eu-/);
  });
});

describe('bad settings stop with one message naming setting, value and rule', () => {
  it('throws when a variable is present but blank', () => {
    expect(problemsOf({ BASELINE_GUARDDUTY: '  ' })).toEqual([
      {
        setting: 'BASELINE_GUARDDUTY',
        value: '',
        rule: BLANK_RULE,
      },
    ]);
  });

  it('throws when a context key is present but blank', () => {
    expect(problemsOf({}, { baselineSecurityHub: '' })).toEqual([
      {
        setting: 'context "baselineSecurityHub"',
        value: '',
        rule: BLANK_RULE,
      },
    ]);
  });

  it('reports a blank mode once, and no rule of another setting with it', () => {
    expect(problemsOf({ BASELINE_CLOUDTRAIL: 'off', BASELINE_CONFIG: '' })).toEqual([
      {
        setting: 'BASELINE_CONFIG',
        value: '',
        rule: BLANK_RULE,
      },
    ]);
  });

  it('throws when the profile is unknown', () => {
    expect(problemsOf({ BASELINE_PROFILE: 'prod' })).toEqual([
      { setting: 'BASELINE_PROFILE', value: 'prod', rule: 'must be one of production, standard' },
    ]);
  });

  it('throws when a region is not a commercial AWS region', () => {
    expect(problemsOf({ BASELINE_DR_REGION: 'eu-west-9' })).toEqual([
      {
        setting: 'BASELINE_DR_REGION',
        value: 'eu-west-9',
        rule: `must be a commercial AWS region such as eu-central-1 (one of ${AWS_REGIONS.length} in config/regions.ts)`,
      },
    ]);
  });

  it('throws when the DR region is the home region', () => {
    expect(problemsOf({ BASELINE_DR_REGION: 'eu-west-1' })).toEqual([
      {
        setting: 'BASELINE_DR_REGION',
        value: 'eu-west-1',
        rule: 'must differ from the home region eu-west-1: a copy in the same region does not survive a regional outage',
      },
    ]);
  });

  it('throws when the alarm e-mail is not an address', () => {
    expect(problemsOf({ BASELINE_ALARM_EMAIL: 'security' })).toEqual([
      {
        setting: 'BASELINE_ALARM_EMAIL',
        value: 'security',
        rule: 'must be an e-mail address such as security@example.org',
      },
    ]);
  });

  it('throws when the archive retention is not an integer in range', () => {
    expect(problemsOf({ BASELINE_ARCHIVE_RETENTION_DAYS: '6y' })).toContainEqual({
      setting: 'BASELINE_ARCHIVE_RETENTION_DAYS',
      value: '6y',
      rule: 'must be an integer from 1 to 36500',
    });
  });

  it('throws when production keeps the archive less than 6 years', () => {
    expect(problemsOf({ BASELINE_ARCHIVE_RETENTION_DAYS: '365' })).toEqual([
      {
        setting: 'BASELINE_ARCHIVE_RETENTION_DAYS',
        value: '365',
        rule: 'must be at least 2192 (6 years, HIPAA 164.316(b)(2)(i)) with the production profile',
      },
    ]);
    expect(
      load({ BASELINE_PROFILE: 'standard', BASELINE_ARCHIVE_RETENTION_DAYS: '365' })
        .archiveRetentionDays,
    ).toBe(365);
  });

  it('throws when the trail log retention is not a CloudWatch Logs value', () => {
    expect(problemsOf({ BASELINE_TRAIL_LOG_RETENTION_DAYS: '100' })[0]).toMatchObject({
      setting: 'BASELINE_TRAIL_LOG_RETENTION_DAYS',
      value: '100',
      rule: expect.stringMatching(/^must be one of 1, 3, 5, 7, 14, 30/),
    });
  });

  it('throws when a lock mode is unknown (case matters: S3 and Backup spell them differently)', () => {
    expect(
      problemsOf({
        BASELINE_ARCHIVE_LOCK_MODE: 'compliance',
        BASELINE_VAULT_LOCK_MODE: 'COMPLIANCE',
      }),
    ).toEqual([
      {
        setting: 'BASELINE_ARCHIVE_LOCK_MODE',
        value: 'compliance',
        rule: 'must be one of COMPLIANCE, GOVERNANCE',
      },
      {
        setting: 'BASELINE_VAULT_LOCK_MODE',
        value: 'COMPLIANCE',
        rule: 'must be one of compliance, governance',
      },
    ]);
  });

  it('throws when the daily backup retention is below the vault lock minimum', () => {
    expect(problemsOf({ BASELINE_DAILY_BACKUP_RETENTION_DAYS: '3' })).toEqual([
      {
        setting: 'BASELINE_DAILY_BACKUP_RETENTION_DAYS',
        value: '3',
        rule: 'must be an integer from 7 to 36500',
      },
    ]);
  });

  it('reports every problem at once', () => {
    const error = (() => {
      try {
        load({ BASELINE_PROFILE: 'x', BASELINE_REGION: 'y' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.problems.map((p) => p.setting)).toEqual(['BASELINE_PROFILE', 'BASELINE_REGION']);
    expect(error.message).toContain('BASELINE_PROFILE = "x": must be one of production, standard');
  });
});

describe('BASELINE_SETTINGS', () => {
  it('documents every setting with a BASELINE_ variable and a context key', () => {
    for (const spec of Object.values(BASELINE_SETTINGS)) {
      expect(spec.envVar).toMatch(/^BASELINE_[A-Z_]+$/);
      expect(spec.contextKey).toMatch(/^baseline[A-Z][A-Za-z]+$/);
      expect(spec.defaultText.length).toBeGreaterThan(0);
      expect(spec.ruleText.length).toBeGreaterThan(0);
    }
  });
});
