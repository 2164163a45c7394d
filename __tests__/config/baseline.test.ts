import { BASELINE_SETTINGS, DEFAULT_DR_REGIONS, loadBaselineConfig } from '../../config/baseline';
import { ConfigError } from '../../config/config';
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

  it('turns every control on and owns the account-wide settings', () => {
    expect(config).toMatchObject({
      cloudTrail: true,
      config: true,
      guardDuty: true,
      securityHub: true,
      accountWide: true,
    });
    expect(config.alarmEmail).toBeUndefined();
  });

  it('locks the archive in COMPLIANCE mode for 6 years and the vault in compliance mode', () => {
    expect(config).toMatchObject({
      archiveLockMode: 'COMPLIANCE',
      archiveRetentionDays: 2192,
      trailLogRetentionDays: 365,
      vaultLockMode: 'compliance',
      vaultLockChangeableForDays: 3,
      dailyBackupRetentionDays: 35,
      monthlyBackupRetentionDays: 2192,
      continuousBackupRetentionDays: 35,
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
    });
  });
});

describe('overrides', () => {
  it('reads every setting from the environment', () => {
    expect(
      load({
        BASELINE_REGION: 'us-east-1',
        BASELINE_DR_REGION: 'us-east-2',
        BASELINE_CLOUDTRAIL: 'on',
        BASELINE_CONFIG: 'off',
        BASELINE_GUARDDUTY: 'off',
        BASELINE_SECURITY_HUB: 'off',
        BASELINE_ACCOUNT_WIDE: 'off',
        BASELINE_ALARM_EMAIL: 'security@example.org',
        BASELINE_ARCHIVE_LOCK_MODE: 'GOVERNANCE',
        BASELINE_ARCHIVE_RETENTION_DAYS: '3653',
        BASELINE_TRAIL_LOG_RETENTION_DAYS: '731',
        BASELINE_VAULT_LOCK_MODE: 'governance',
        BASELINE_DAILY_BACKUP_RETENTION_DAYS: '60',
      }),
    ).toMatchObject({
      region: 'us-east-1',
      drRegion: 'us-east-2',
      config: false,
      guardDuty: false,
      securityHub: false,
      accountWide: false,
      alarmEmail: 'security@example.org',
      archiveLockMode: 'GOVERNANCE',
      archiveRetentionDays: 3653,
      trailLogRetentionDays: 731,
      vaultLockMode: 'governance',
      dailyBackupRetentionDays: 60,
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
        value: '  ',
        rule: 'is set but blank; give a value or unset it to use the default',
      },
    ]);
  });

  it('throws when a context key is present but blank', () => {
    expect(problemsOf({}, { baselineSecurityHub: '' })).toEqual([
      {
        setting: 'context "baselineSecurityHub"',
        value: '',
        rule: 'is set but blank; give a value or unset it to use the default',
      },
    ]);
  });

  it('reports a blank value once, even where two rules read it', () => {
    expect(problemsOf({ BASELINE_CLOUDTRAIL: 'off', BASELINE_CONFIG: '' })).toEqual([
      {
        setting: 'BASELINE_CONFIG',
        value: '',
        rule: 'is set but blank; give a value or unset it to use the default',
      },
      {
        setting: 'BASELINE_CONFIG',
        value: 'on',
        rule: expect.stringMatching(/^needs BASELINE_CLOUDTRAIL=on/),
      },
    ]);
  });

  it('throws when a switch is not on or off', () => {
    expect(problemsOf({ BASELINE_CLOUDTRAIL: 'yes' })).toContainEqual({
      setting: 'BASELINE_CLOUDTRAIL',
      value: 'yes',
      rule: 'must be one of on, off',
    });
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

  it('throws when Config is on but the trail (and its archive) is off', () => {
    expect(problemsOf({ BASELINE_CLOUDTRAIL: 'off' })).toEqual([
      {
        setting: 'BASELINE_CONFIG',
        value: 'on',
        rule: 'needs BASELINE_CLOUDTRAIL=on: Config delivers to the audit archive the trail stack part creates; set BASELINE_CONFIG=off too when both run centrally',
      },
    ]);
    expect(problemsOf({ BASELINE_CLOUDTRAIL: 'off', BASELINE_CONFIG: 'on' })[0].setting).toBe(
      'BASELINE_CONFIG',
    );
    expect(load({ BASELINE_CLOUDTRAIL: 'off', BASELINE_CONFIG: 'off' }).cloudTrail).toBe(false);
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
