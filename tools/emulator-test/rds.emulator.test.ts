/**
 * The PostgreSQL versions and instance classes a region offers (gap 20), rules R8 and R11
 * (tools/emulator/moto_rds_engine_gaps.py), with versions removed from a region through
 * POST /moto-api/healthcare/rds-engine-versions.
 */
import {
  CreateDBInstanceCommand,
  DescribeDBEngineVersionsCommand,
  DescribeOrderableDBInstanceOptionsCommand,
  ModifyDBInstanceCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { plant, refusal, tooling, unique } from './emulator-clients';

describe('RDS: the PostgreSQL versions and classes a region offers (gap 20, rule R8)', () => {
  const region = 'eu-west-3';
  const rds = new RDSClient(tooling(region));
  const versions = async (params: Record<string, unknown>) =>
    (await rds.send(new DescribeDBEngineVersionsCommand({ Engine: 'postgres', ...params })))
      .DBEngineVersions ?? [];

  afterEach(async () => {
    await plant('rds-engine-versions', { region, engine: 'postgres', unavailable: [] });
  });

  it('answers a major version with each of its minors, their family, status and upgrade targets', async () => {
    const sixteen = await versions({ EngineVersion: '16' });
    expect(sixteen.map((v) => v.EngineVersion)).toEqual(['16.4', '16.6', '16.8', '16.9']);
    expect(new Set(sixteen.map((v) => `${v.DBParameterGroupFamily} ${v.Status}`))).toEqual(
      new Set(['postgres16 available']),
    );
    const newest = sixteen[3];
    expect(
      newest.ValidUpgradeTarget?.map((t) => [t.EngineVersion, t.IsMajorVersionUpgrade]),
    ).toEqual([
      ['17.2', true],
      ['17.4', true],
      ['17.5', true],
    ]);
    const oldest = sixteen[0];
    expect(
      oldest.ValidUpgradeTarget?.filter((t) => !t.IsMajorVersionUpgrade).map(
        (t) => t.EngineVersion,
      ),
    ).toEqual(['16.6', '16.8', '16.9']);
    expect(newest.CreateTime?.toISOString()).toBe('2025-05-08T00:00:00.000Z');
    const exact = await versions({ EngineVersion: '16.4' });
    expect(exact.map((v) => v.EngineVersion)).toEqual(['16.4']);
    const defaults = await versions({ DefaultOnly: true });
    expect(defaults.map((v) => v.EngineVersion)).toEqual(['17.4']);
    const family = await versions({ DBParameterGroupFamily: 'postgres14' });
    expect(family.map((v) => v.EngineVersion)).toEqual(['14.13', '14.15', '14.17', '14.18']);
  });

  it('answers one orderable option per storage type for a version and class, gp3 among them', async () => {
    const out = await rds.send(
      new DescribeOrderableDBInstanceOptionsCommand({
        Engine: 'postgres',
        EngineVersion: '16.9',
        DBInstanceClass: 'db.t4g.medium',
      }),
    );
    const options = out.OrderableDBInstanceOptions ?? [];
    expect(options.map((o) => o.StorageType)).toEqual(['gp2', 'gp3', 'io1']);
    expect(options[1]).toMatchObject({
      Engine: 'postgres',
      EngineVersion: '16.9',
      DBInstanceClass: 'db.t4g.medium',
      StorageType: 'gp3',
      MultiAZCapable: true,
      SupportsStorageEncryption: true,
      SupportsIAMDatabaseAuthentication: true,
      SupportsPerformanceInsights: true,
      SupportsEnhancedMonitoring: true,
      SupportsStorageAutoscaling: true,
    });
    const unknownClass = await rds.send(
      new DescribeOrderableDBInstanceOptionsCommand({
        Engine: 'postgres',
        DBInstanceClass: 'db.x9.huge',
      }),
    );
    expect(unknownClass.OrderableDBInstanceOptions).toEqual([]);
  });

  it('a region made to lack 16 lists no 16.x, orders none, and refuses a 16 instance; other regions keep it', async () => {
    const planted = await plant('rds-engine-versions', {
      region,
      engine: 'postgres',
      unavailable: ['16'],
    });
    expect(planted.status).toBe(200);
    expect(planted.json.offered).toEqual([
      '14.13',
      '14.15',
      '14.17',
      '14.18',
      '15.8',
      '15.10',
      '15.12',
      '15.13',
      '17.2',
      '17.4',
      '17.5',
    ]);
    expect(await versions({ EngineVersion: '16' })).toEqual([]);
    const fifteen = await versions({ EngineVersion: '15.13' });
    expect(fifteen[0].ValidUpgradeTarget?.map((t) => t.EngineVersion)).toEqual([
      '17.2',
      '17.4',
      '17.5',
    ]);
    const orderable = await rds.send(
      new DescribeOrderableDBInstanceOptionsCommand({ Engine: 'postgres', EngineVersion: '16.9' }),
    );
    expect(orderable.OrderableDBInstanceOptions).toEqual([]);
    const create = (id: string, version: string) =>
      rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: id,
          Engine: 'postgres',
          EngineVersion: version,
          DBInstanceClass: 'db.t4g.medium',
          AllocatedStorage: 20,
          MasterUsername: 'postgres',
          MasterUserPassword: 'not-a-real-password-1',
        }),
      );
    const r = await refusal(create(unique('db'), '16'));
    expect(r).toEqual({
      code: 'InvalidParameterCombination',
      message: 'Cannot find version 16 for postgres',
      status: 400,
    });
    const fine = await create(unique('db'), '17');
    expect(fine.DBInstance?.Engine).toBe('postgres');
    const elsewhere = new RDSClient(tooling('eu-west-1'));
    const there = await elsewhere.send(
      new DescribeDBEngineVersionsCommand({ Engine: 'postgres', EngineVersion: '16' }),
    );
    expect(there.DBEngineVersions?.length).toBe(4);
  });

  it('refuses a planting body without a list of versions', async () => {
    const bad = await plant('rds-engine-versions', { region, unavailable: '16' });
    expect(bad).toEqual({
      status: 400,
      json: {
        error:
          'unavailable must be a list of versions ("16" for every 16.x, or "16.4"); [] restores all',
      },
    });
  });
});

describe('R11 RDS: the storage autoscaling ceiling at least 10% above the allocation', () => {
  const rds = new RDSClient(tooling('eu-west-3'));
  const create = (id: string, max: number) =>
    rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: id,
        Engine: 'postgres',
        EngineVersion: '16',
        DBInstanceClass: 'db.t4g.medium',
        AllocatedStorage: 100,
        MaxAllocatedStorage: max,
        MasterUsername: 'postgres',
        MasterUserPassword: 'not-a-real-password-1',
      }),
    );

  it('refuses 109 GiB over 100 and accepts 110', async () => {
    const r = await refusal(create(unique('db'), 109));
    expect(r).toEqual({
      code: 'InvalidParameterCombination',
      message: 'Invalid max storage size for postgres',
      status: 400,
    });
    const ok = await create(unique('db'), 110);
    expect([ok.DBInstance?.AllocatedStorage, ok.DBInstance?.MaxAllocatedStorage]).toEqual([
      100, 110,
    ]);
  });

  it('checks a modification against the allocation it leaves (110 GiB: 120 refused, 121 accepted)', async () => {
    const id = unique('db');
    await create(id, 200);
    const modify = (max: number) =>
      rds.send(
        new ModifyDBInstanceCommand({
          DBInstanceIdentifier: id,
          AllocatedStorage: 110,
          MaxAllocatedStorage: max,
          ApplyImmediately: true,
        }),
      );
    expect((await refusal(modify(120))).code).toBe('InvalidParameterCombination');
    const ok = await modify(121);
    expect(ok.DBInstance?.MaxAllocatedStorage).toBe(121);
  });
});
