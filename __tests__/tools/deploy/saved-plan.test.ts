import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PhaseTimer } from '../../../tools/core/phases';
import type { RunResult } from '../../../tools/core/process';
import type { Runner } from '../../../tools/core';
import type { DeployRole } from '../../../config/deploy-role';
import type { PreflightClients } from '../../../tools/preflight/preflight';
import {
  applyPlanned,
  applySavedPlan,
  configHash,
  createRunFolder,
  isLive,
  listRuns,
  maxPlanAgeMs,
  NotWritableError,
  PlanManifest,
  planArtifactProblems,
  pruneRuns,
  readPlanArtifact,
  runId,
  runsRoot,
  savePlanArtifact,
  selectStack,
  sha256File,
  shortHash,
  Target,
} from '../../../tools/deploy';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'saved-plan-'));
const silent = () => new PhaseTimer({ write: () => undefined });
const ok = (stdout = ''): RunResult => ({ code: 0, stdout, stderr: '', durationMs: 1 });

describe('run folders', () => {
  it('names a run by time, command, stack, pid and a nonce', () => {
    expect(runId('deploy', 'TapStackdev', new Date('2026-12-07T10:15:00.123Z'), 42, 'a1b2')).toBe(
      '20261207T101500-deploy-TapStackdev-42-a1b2',
    );
    expect(runsRoot(false, '/p')).toBe('/p/cdktf.out/runs');
    expect(runsRoot(true, '/p')).toBe('/p/.sandbox/runs');
  });

  it('gives every run a folder of its own, with its record', () => {
    const root = tmp();
    const at = new Date('2026-12-07T10:00:00Z');
    const a = createRunFolder({
      command: 'plan',
      stack: 'TapStackdev',
      emulator: false,
      root,
      now: at,
      pid: 7,
      host: 'h',
    });
    const b = createRunFolder({
      command: 'plan',
      stack: 'TapStackdev',
      emulator: false,
      root,
      now: at,
      pid: 7,
      host: 'h',
    });
    expect(a.dir).not.toBe(b.dir);
    expect(a.outdir).toBe(path.join(a.dir, 'cdktf.out'));
    expect(fs.statSync(a.planDir).isDirectory()).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(a.dir, 'run.json'), 'utf8'))).toEqual({
      id: path.basename(a.dir),
      command: 'plan',
      stack: 'TapStackdev',
      pid: 7,
      host: 'h',
      startedAt: '2026-12-07T10:00:00.000Z',
    });
    expect(
      listRuns(runsRoot(false, root))
        .map((r) => r.dir)
        .sort(),
    ).toEqual([a.dir, b.dir].sort());
  });

  it('names a folder it cannot write with the fix, not a later ENOENT', () => {
    const root = tmp();
    fs.writeFileSync(path.join(root, 'cdktf.out'), 'a file where a folder should be');
    let error: unknown;
    try {
      createRunFolder({ command: 'deploy', stack: 'TapStackdev', emulator: false, root });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NotWritableError);
    expect(String(error)).toMatch(
      /cannot create the run folder .*cdktf\.out\/runs\/.*: ENOTDIR\. Make the folder above it writable/,
    );
  });

  it('prunes only runs that ended more than a week ago', () => {
    const root = tmp();
    const base = runsRoot(false, root);
    const make = (pid: number, host = 'here') =>
      createRunFolder({ command: 'deploy', stack: 's', emulator: false, root, pid, host });
    const [dead, alive, elsewhere, fresh] = [make(1), make(2), make(3, 'other'), make(4)];
    const week = 7 * 24 * 3600 * 1000;
    const old = (dir: string) => {
      const t = new Date(Date.now() - week - 1000);
      fs.utimesSync(path.join(dir, 'run.json'), t, t);
    };
    [dead, alive, elsewhere].forEach((r) => old(r.dir));
    const removed = pruneRuns(base, { host: 'here', alive: (pid) => pid === 2 || pid === 4 });
    expect(removed.sort()).toEqual([dead.dir, elsewhere.dir].sort());
    expect(fs.existsSync(alive.dir)).toBe(true);
    expect(fs.existsSync(fresh.dir)).toBe(true);
    expect(isLive(alive.record, 'here', () => true)).toBe(true);
    expect(isLive(alive.record, 'other-host', () => true)).toBe(false);
    expect(pruneRuns(path.join(root, 'none'))).toEqual([]);
  });
});

describe('the saved plan and its manifest', () => {
  const manifest: PlanManifest = {
    version: 1,
    stack: 'TapStackdev',
    kind: 'platform',
    environment: 'dev',
    accountId: '111111111111',
    region: 'eu-west-1',
    commit: 'a'.repeat(40),
    dirty: false,
    planSha256: 'f'.repeat(64),
    configSha256: 'c'.repeat(64),
    createdAt: '2026-12-07T10:00:00.000Z',
    guardAllow: [],
  };
  const facts = {
    stack: 'TapStackdev',
    accountId: '111111111111',
    region: 'eu-west-1',
    commit: 'a'.repeat(40),
    configSha256: 'c'.repeat(64),
    now: new Date('2026-12-10T10:00:00.000Z'),
    maxAgeMs: 72 * 3600 * 1000,
    planSha256: 'f'.repeat(64),
  };

  it('may be applied when everything matches, up to exactly the maximum age', () => {
    expect(planArtifactProblems(manifest, facts)).toEqual([]);
  });

  it('names every reason it may not be applied', () => {
    expect(
      planArtifactProblems(manifest, {
        stack: 'TapStackprod',
        accountId: '222222222222',
        region: 'us-east-1',
        commit: 'b'.repeat(40),
        configSha256: 'd'.repeat(64),
        now: new Date('2026-12-10T10:00:00.001Z'),
        maxAgeMs: 72 * 3600 * 1000,
        planSha256: 'e'.repeat(64),
      }),
    ).toEqual([
      `the plan file changed since it was reviewed: sha256:eeeeeeeeeeee, the review describes sha256:ffffffffffff`,
      'the plan was made for TapStackdev, not TapStackprod',
      'the plan was made for region eu-west-1, not us-east-1',
      'the plan was made for account 111111111111, but this run acts in account 222222222222 (its credentials, through the deploy role when one is set)',
      'the plan was made at commit aaaaaaaaaaaa, this checkout is at bbbbbbbbbbbb',
      'the synthesized configuration differs from the one the plan was made from (other settings or code): plan again',
      'the plan is 72 h old, older than 72 h (PLAN_MAX_AGE_HOURS): plan again',
    ]);
  });

  it('reads the maximum age from PLAN_MAX_AGE_HOURS', () => {
    expect(maxPlanAgeMs({})).toBe(72 * 3600 * 1000);
    expect(maxPlanAgeMs({ PLAN_MAX_AGE_HOURS: '1.5' })).toBe(1.5 * 3600 * 1000);
    expect(() => maxPlanAgeMs({ PLAN_MAX_AGE_HOURS: '0' })).toThrow(
      /must be a positive number of hours/,
    );
    expect(() => maxPlanAgeMs({ PLAN_MAX_AGE_HOURS: 'soon' })).toThrow(
      /PLAN_MAX_AGE_HOURS = "soon"/,
    );
  });

  it("hashes the configuration of a stack folder, not Terraform's working files", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'cdk.tf.json'), '{"a":1}');
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'assets', 'fn.zip'), 'zip');
    const first = configHash(dir);
    fs.mkdirSync(path.join(dir, '.terraform'));
    fs.writeFileSync(path.join(dir, '.terraform', 'x'), 'y');
    fs.writeFileSync(path.join(dir, 'tfplan'), 'plan');
    expect(configHash(dir)).toBe(first);
    fs.writeFileSync(path.join(dir, 'assets', 'fn.zip'), 'zip2');
    expect(configHash(dir)).not.toBe(first);
  });

  it('round-trips through a folder, and refuses one that is not a saved plan', () => {
    const dir = tmp();
    const src = tmp();
    for (const f of ['tfplan', 'tfplan.json', 'review.md']) fs.writeFileSync(path.join(src, f), f);
    savePlanArtifact(
      path.join(dir, 'saved'),
      {
        planFile: path.join(src, 'tfplan'),
        planJson: path.join(src, 'tfplan.json'),
        reviewFile: path.join(src, 'review.md'),
      },
      manifest,
    );
    const read = readPlanArtifact(path.join(dir, 'saved'));
    expect(read.manifest).toEqual(manifest);
    expect(fs.readFileSync(read.planJson, 'utf8')).toBe('tfplan.json');
    expect(shortHash(sha256File(read.planFile))).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(() => readPlanArtifact(tmp())).toThrow(
      /is not a saved plan: tfplan, plan.json, review.md, manifest.json missing/,
    );
    fs.writeFileSync(path.join(dir, 'saved', 'manifest.json'), '{"version":2}');
    expect(() => readPlanArtifact(path.join(dir, 'saved'))).toThrow(
      /is not a plan manifest of version 1/,
    );
  });
});

describe('deploy --plan', () => {
  const PLAN_JSON = fs.readFileSync(
    path.join(__dirname, '..', '..', 'fixtures', 'plans', 'create-only.json'),
    'utf8',
  );
  const identity = { Account: '111111111111', Arn: 'arn:aws:iam::111111111111:user/ci' };
  const clients = (): PreflightClients =>
    ({
      sts: { config: { region: async () => 'eu-west-1' }, send: async () => identity },
    }) as unknown as PreflightClients;
  /** A tiny app and Terraform: `sh -c app` writes a stack with `cdk.tf.json` = `config`. */
  const runnerFor = (config: string): { runner: Runner; calls: string[][] } => {
    const calls: string[][] = [];
    const runner: Runner = async (cmd, args, options = {}) => {
      calls.push([cmd, ...args]);
      if (cmd === 'sh') {
        const outdir = options.env!.CDKTF_OUTDIR;
        fs.mkdirSync(path.join(outdir, 'stacks', 'TapStackdev'), { recursive: true });
        fs.writeFileSync(path.join(outdir, 'stacks', 'TapStackdev', 'cdk.tf.json'), config);
        fs.writeFileSync(
          path.join(outdir, 'manifest.json'),
          JSON.stringify({ stacks: { TapStackdev: { workingDirectory: 'stacks/TapStackdev' } } }),
        );
      }
      if (args[0] === 'show') return ok(PLAN_JSON);
      if (args[0] === 'output') return ok('{}');
      return ok();
    };
    return { runner, calls };
  };
  const selection = selectStack('deploy', { ENVIRONMENT_SUFFIX: 'dev' });
  const targetFor = (): Target => {
    const run = createRunFolder({
      command: 'deploy',
      stack: 'TapStackdev',
      emulator: false,
      root: tmp(),
    });
    return {
      kind: 'aws',
      run,
      env: {},
      region: 'eu-west-1',
      workDir: run.dir,
      outdir: run.outdir,
      logDir: run.logDir,
      terraform: {} as Target['terraform'],
      prepare: async () => 'ready',
      preflightClients: clients,
      stop: async () => undefined,
      died: () => undefined,
    };
  };
  /** A saved plan for `config`, as `plan --save` would leave it. */
  const saved = (config: string, overrides: Partial<PlanManifest> = {}): string => {
    const stackDir = path.join(tmp(), 'TapStackdev');
    fs.mkdirSync(stackDir);
    fs.writeFileSync(path.join(stackDir, 'cdk.tf.json'), config);
    const src = tmp();
    fs.writeFileSync(path.join(src, 'tfplan'), 'the reviewed plan');
    fs.writeFileSync(path.join(src, 'plan.json'), PLAN_JSON);
    fs.writeFileSync(path.join(src, 'review.md'), '# Plan review');
    const dir = path.join(tmp(), 'saved');
    savePlanArtifact(
      dir,
      {
        planFile: path.join(src, 'tfplan'),
        planJson: path.join(src, 'plan.json'),
        reviewFile: path.join(src, 'review.md'),
      },
      {
        version: 1,
        stack: 'TapStackdev',
        kind: 'platform',
        environment: 'dev',
        accountId: '111111111111',
        region: 'eu-west-1',
        commit: 'a'.repeat(40),
        planSha256: sha256File(path.join(src, 'tfplan')),
        configSha256: configHash(stackDir),
        createdAt: '2026-12-07T10:00:00.000Z',
        guardAllow: [],
        ...overrides,
      },
    );
    return dir;
  };
  const options = (dir: string, runner: Runner, target: Target) => ({
    timer: silent(),
    target,
    selection,
    dir,
    runner,
    write: () => undefined,
    commit: async () => ({ commit: 'a'.repeat(40) }),
    now: () => new Date('2026-12-07T11:00:00Z'),
    env: {},
  });

  it('applies exactly the saved plan, from its own run folder, after checking it', async () => {
    const dir = saved('{"same":"config"}');
    const { runner, calls } = runnerFor('{"same":"config"}');
    const target = targetFor();
    const planned = await applySavedPlan.prepare(options(dir, runner, target));
    expect(planned.planFile).toBe(path.join(target.run.planDir, 'tfplan'));
    expect(fs.readFileSync(planned.planFile, 'utf8')).toBe('the reviewed plan');
    expect(planned.review.markdown).toContain(`Saved plan \`sha256:${planned.planSha256}\``);
    await applyPlanned(silent(), target, planned, runner);
    expect(calls.filter((c) => c[0] === 'terraform').map((c) => c[1])).toEqual([
      'init',
      'show',
      'apply',
      'output',
    ]);
    expect(calls.find((c) => c[1] === 'apply')!.slice(-1)).toEqual([planned.planFile]);
  });

  it('refuses a plan made from another configuration or commit, and applies nothing', async () => {
    const dir = saved('{"made":"before"}', { commit: 'b'.repeat(40) });
    const { runner, calls } = runnerFor('{"made":"after"}');
    await expect(applySavedPlan.prepare(options(dir, runner, targetFor()))).rejects.toThrow(
      /the saved plan in .* may not be applied here:\n {2}- the plan was made at commit bbbbbbbbbbbb, this checkout is at aaaaaaaaaaaa\n {2}- the synthesized configuration differs/,
    );
    expect(calls.some((c) => c[1] === 'apply' || c[1] === 'init')).toBe(false);
  });

  it("compares the deploy role's account: applied without DEPLOY_ROLE_ARN, the plan is refused", async () => {
    // The plan was made through dev's role in 111111111111; the operator's own account is
    // 123456789012. STS answers by the role the clients were built with.
    const dir = saved('{"c":1}');
    const asked: (string | undefined)[] = [];
    const byRole = (_region: string, role?: DeployRole): PreflightClients => {
      asked.push(role?.roleArn);
      const account = role?.accountId ?? '123456789012';
      return {
        sts: {
          config: { region: async () => 'eu-west-1' },
          send: async () => ({ Account: account, Arn: `arn:aws:sts::${account}:assumed-role/d/s` }),
        },
      } as unknown as PreflightClients;
    };
    const withRole = selectStack('deploy', {
      ENVIRONMENT_SUFFIX: 'dev',
      DEPLOY_ROLE_ARN: 'dev=arn:aws:iam::111111111111:role/deploy',
    });
    const { runner } = runnerFor('{"c":1}');
    const target = { ...targetFor(), preflightClients: byRole };
    await expect(
      applySavedPlan.prepare({ ...options(dir, runner, target), selection: withRole }),
    ).resolves.toMatchObject({ manifest: { accountId: '111111111111' } });
    await expect(applySavedPlan.prepare(options(dir, runner, target))).rejects.toThrow(
      'the plan was made for account 111111111111, but this run acts in account 123456789012 (its credentials, through the deploy role when one is set)',
    );
    expect(asked).toEqual(['arn:aws:iam::111111111111:role/deploy', undefined]);
  });

  it('refuses a plan file that changed after it was reviewed', async () => {
    const dir = saved('{"c":1}');
    fs.writeFileSync(path.join(dir, 'tfplan'), "someone else's plan");
    const { runner } = runnerFor('{"c":1}');
    await expect(applySavedPlan.prepare(options(dir, runner, targetFor()))).rejects.toThrow(
      /the plan file changed since it was reviewed/,
    );
  });

  it('refuses, at apply, a plan file that is no longer the reviewed one', async () => {
    const dir = saved('{"c":1}');
    const { runner, calls } = runnerFor('{"c":1}');
    const target = targetFor();
    const planned = await applySavedPlan.prepare(options(dir, runner, target));
    fs.writeFileSync(planned.planFile, 'swapped');
    await expect(applyPlanned(silent(), target, planned, runner)).rejects.toThrow(
      /the plan file is not the one reviewed .*nothing was applied/,
    );
    expect(calls.some((c) => c[1] === 'apply')).toBe(false);
  });
});
