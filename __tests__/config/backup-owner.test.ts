import {
  ConfigError,
  CONTINUOUS_BACKUP_RETENTION_DAYS,
  loadConfig,
  loadConfigs,
} from '../../config/config';
import { loadBaselineConfig } from '../../config/baseline';

function problemsOf(env: Record<string, string>) {
  try {
    loadConfigs({ env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('who owns the automated backups of the database', () => {
  test("is the baseline's continuous rule, 35 days, in both places", () => {
    expect(CONTINUOUS_BACKUP_RETENTION_DAYS).toBe(35);
    expect(loadBaselineConfig({ env: {} }).continuousBackupRetentionDays).toBe(35);
  });

  test('production (DataClassification PHI, in the continuous plan): AWS Backup, 35 days', () => {
    expect(loadConfig({ env: {} }).database).toMatchObject({
      backupOwner: 'aws-backup',
      backupRetentionDays: 35,
    });
  });

  test('standard (synthetic, not in that plan): Terraform, its own retention', () => {
    expect(loadConfig({ env: { ENVIRONMENT_SUFFIX: 'dev' } }).database).toMatchObject({
      backupOwner: 'terraform',
      backupRetentionDays: 7,
    });
    expect(
      loadConfig({ env: { ENVIRONMENT_SUFFIX: 'dev', DB_BACKUP_RETENTION_DAYS: '14' } }).database
        .backupRetentionDays,
    ).toBe(14);
  });

  test('production accepts DB_BACKUP_RETENTION_DAYS=35', () => {
    expect(
      loadConfig({ env: { DB_BACKUP_RETENTION_DAYS: '35' } }).database.backupRetentionDays,
    ).toBe(35);
  });

  test.each(['34', '7'])('production refuses DB_BACKUP_RETENTION_DAYS=%s', (value) => {
    expect(problemsOf({ DB_BACKUP_RETENTION_DAYS: value })).toEqual([
      {
        setting: 'DB_BACKUP_RETENTION_DAYS',
        value,
        rule: "the production profile's database is in the account baseline's continuous backup rule, which owns its retention (35 days): change it in the backup plan, or unset this",
      },
    ]);
  });

  test('a standard environment run with PLATFORM_PROFILE=production is owned by AWS Backup too', () => {
    expect(
      loadConfig({ env: { ENVIRONMENT_SUFFIX: 'stage', PLATFORM_PROFILE: 'production' } }).database
        .backupOwner,
    ).toBe('aws-backup');
  });
});

describe('the storage autoscaling ceiling (RDS: at least 10% above the allocated storage)', () => {
  test('the default ceiling rises with a large allocation', () => {
    expect(
      loadConfig({ env: { DB_ALLOCATED_STORAGE_GIB: '2000' } }).database.maxAllocatedStorageGiB,
    ).toBe(2200);
    expect(loadConfig({ env: {} }).database.maxAllocatedStorageGiB).toBe(1000);
  });

  test('an explicit ceiling of exactly 10% more is accepted, one less is refused', () => {
    expect(
      loadConfig({ env: { DB_ALLOCATED_STORAGE_GIB: '100', DB_MAX_ALLOCATED_STORAGE_GIB: '110' } })
        .database.maxAllocatedStorageGiB,
    ).toBe(110);
    expect(
      problemsOf({ DB_ALLOCATED_STORAGE_GIB: '100', DB_MAX_ALLOCATED_STORAGE_GIB: '109' }),
    ).toEqual([
      {
        setting: 'DB_MAX_ALLOCATED_STORAGE_GIB',
        value: '109',
        rule: 'must be at least 10% above the allocated storage (100 GiB): at least 110',
      },
    ]);
  });

  test('an allocation that leaves no room below 65536 GiB is refused; 59578 is the largest', () => {
    expect(
      loadConfig({ env: { DB_ALLOCATED_STORAGE_GIB: '59578' } }).database.maxAllocatedStorageGiB,
    ).toBe(65536);
    expect(problemsOf({ DB_ALLOCATED_STORAGE_GIB: '59579' })).toEqual([
      {
        setting: 'DB_ALLOCATED_STORAGE_GIB',
        value: '59579',
        rule: 'leaves no room for storage autoscaling, which RDS needs at least 10% above the allocated storage and at most 65536 GiB: at most 59578',
      },
    ]);
  });
});
