import * as fs from 'node:fs';
import { APIGatewayClient, UpdateAccountCommand } from '@aws-sdk/client-api-gateway';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import * as os from 'node:os';
import * as path from 'node:path';
import { CommandError, RunOptions, RunResult } from '../../../tools/core/process';
import type { Emulator } from '../../../tools/emulator/emulator';
import { PhaseError, PhaseTimer } from '../../../tools/core/phases';
import type { PreflightClients } from '../../../tools/preflight/preflight';
import {
  applyPlanned,
  BOOTSTRAP_STACK,
  BOOTSTRAP_STATE_OVERRIDE_FILE,
  bootstrapStateOverride,
  createRunFolder,
  describeFailure,
  EMULATOR_OVERRIDE_FILE,
  emulatorInstructions,
  emulatorOverride,
  planStack,
  PROJECT_ROOT,
  RunFolder,
  selectStack,
  sha256File,
  readManifest,
  readProject,
  runSummary,
  stackOf,
  startTarget,
  startTargetPhase,
  exitWith,
  synth,
  Target,
} from '../../../tools/deploy';
import {
  formatOutputs,
  initHint,
  outputValues,
  readOutputs,
  Runner,
  terraformApply,
  terraformInit,
  terraformPlan,
  terraformPlatform,
} from '../../../tools/core';
import type { TerraformSetup } from '../../../tools/core/terraform';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'plans');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'stack-ops-'));
/** A run folder of its own under a fresh project root. */
const runFolder = (emulator = false, command = 'deploy'): RunFolder =>
  createRunFolder({ command, stack: 'TapStackdev', emulator, root: tmp() });

interface Call {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly options: RunOptions;
}

const ok = (stdout = ''): RunResult => ({ code: 0, stdout, stderr: '', durationMs: 1 });

/**
 * A runner that records every command and plays a tiny Terraform: `show -json` answers
 * `planJson`, `output -json` answers `outputs`, `sh -c <app>` writes a manifest.
 */
function fakeRunner(
  behaviour: {
    planJson?: string;
    outputs?: string;
    stacks?: readonly string[];
    fail?: (call: Call) => CommandError | undefined;
  } = {},
): { runner: Runner; calls: Call[] } {
  const calls: Call[] = [];
  const runner: Runner = async (cmd, args, options = {}) => {
    const call = { cmd, args, options };
    calls.push(call);
    const failure = behaviour.fail?.(call);
    if (failure) throw failure;
    if (cmd === 'sh') {
      const outdir = options.env!.CDKTF_OUTDIR;
      const stacks: Record<string, { workingDirectory: string }> = {};
      for (const name of behaviour.stacks ?? [BOOTSTRAP_STACK, 'TapStackdev']) {
        fs.mkdirSync(path.join(outdir, 'stacks', name), { recursive: true });
        fs.writeFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), '{}');
        stacks[name] = { workingDirectory: `stacks/${name}` };
      }
      fs.writeFileSync(path.join(outdir, 'manifest.json'), JSON.stringify({ stacks }));
      return ok();
    }
    if (args[0] === 'plan') {
      // Terraform writes the saved plan where -out says.
      const out = args.find((a) => a.startsWith('-out='));
      if (out) fs.writeFileSync(out.slice('-out='.length), `saved plan ${calls.length}`);
    }
    if (args[0] === 'show') return ok(behaviour.planJson ?? '{"format_version":"1.2"}');
    if (args[0] === 'output') return ok(behaviour.outputs ?? '');
    return ok();
  };
  return { runner, calls };
}

function commandError(stderr: string, logFile?: string): CommandError {
  return new CommandError(
    'terraform init',
    { code: 1, stdout: '', stderr, durationMs: 1 },
    logFile,
  );
}

const fakeTerraform = (dir: string): TerraformSetup => ({
  source: {
    kind: 'mirror',
    root: '/mirror',
    providers: [{ version: '5.100.0', path: '/mirror/terraform-provider-aws' }],
  },
  mirrorRoot: '/mirror',
  providerVersions: ['5.100.0'],
  providers: [{ version: '5.100.0', path: '/mirror/terraform-provider-aws' }],
  cliConfigFile: path.join(dir, 'terraformrc'),
  env: { TF_CLI_CONFIG_FILE: path.join(dir, 'terraformrc'), KEEP: '1' },
});

function fakeEmulator(): Emulator & { stopped: number } {
  const emulator = {
    endpoint: 'http://127.0.0.1:5999',
    port: 5999,
    region: 'eu-west-1',
    stopped: 0,
    env: (base: Readonly<Record<string, string | undefined>> = {}) => ({
      ...(base as Record<string, string>),
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5999',
      STATE_USE_PATH_STYLE: 'true',
    }),
    reset: async () => undefined,
    errors: () => [],
    died: () => undefined,
    stop: async () => {
      emulator.stopped += 1;
    },
  };
  return emulator;
}

const silentTimer = () => new PhaseTimer({ write: () => undefined });

describe('override files', () => {
  it('lowers the provider retries for emulator runs only', () => {
    expect(JSON.parse(emulatorOverride())).toEqual({ provider: { aws: { max_retries: 2 } } });
  });

  it('moves the bootstrap state to the given path', () => {
    expect(JSON.parse(bootstrapStateOverride('/w/state/x.tfstate'))).toEqual({
      terraform: { backend: { local: { path: '/w/state/x.tfstate' } } },
    });
  });
});

describe('synth', () => {
  it('runs the cdktf.json app into the outdir with the context, and drops stale overrides', async () => {
    const root = tmp();
    fs.writeFileSync(
      path.join(root, 'cdktf.json'),
      JSON.stringify({ app: 'node app.js', context: { env: 'dev' } }),
    );
    const outdir = path.join(root, 'out');
    const stale = path.join(outdir, 'stacks', 'TapStackdev', EMULATOR_OVERRIDE_FILE);
    fs.mkdirSync(path.dirname(stale), { recursive: true });
    fs.writeFileSync(stale, '{}');
    const { runner, calls } = fakeRunner();

    const result = await synth(outdir, { A: '1' }, { root, runner, logFile: '/tmp/x.log' });

    expect(calls[0]).toMatchObject({ cmd: 'sh', args: ['-c', 'node app.js'] });
    expect(calls[0].options).toMatchObject({
      cwd: root,
      logFile: '/tmp/x.log',
      env: { A: '1', CDKTF_OUTDIR: outdir, CDKTF_CONTEXT_JSON: '{"env":"dev"}' },
    });
    expect([...result.stacks.keys()]).toEqual([BOOTSTRAP_STACK, 'TapStackdev']);
    expect(stackOf(result, 'TapStackdev').dir).toBe(path.join(outdir, 'stacks', 'TapStackdev'));
    expect(fs.existsSync(stale)).toBe(false);
  });

  it('names what was synthesized when a stack is missing', () => {
    const outdir = tmp();
    fs.writeFileSync(path.join(outdir, 'manifest.json'), '{}');
    expect(() => stackOf(readManifest(outdir), 'TapStackprod')).toThrow(
      'the app did not synthesize TapStackprod (got nothing)',
    );
  });

  it('reads the project settings', () => {
    expect(readProject().app).toBe('node tools/synth/run-app.cjs main.ts');
    const root = tmp();
    fs.writeFileSync(path.join(root, 'cdktf.json'), '{"app":"x"}');
    expect(readProject(root)).toEqual({ app: 'x', context: {} });
  });
});

describe('terraform on one stack', () => {
  it('initialises without prompts', async () => {
    const { runner, calls } = fakeRunner();
    await terraformInit('/s', { E: '1' }, { runner });
    expect(calls).toEqual([
      {
        cmd: 'terraform',
        args: ['init', '-input=false', '-no-color'],
        options: expect.objectContaining({ cwd: '/s', env: { E: '1' } }),
      },
    ]);
  });

  it.each([
    ['Error: S3 bucket "b" does not exist.', /one-time bootstrap/],
    ['NoSuchBucket: The specified bucket does not exist', /one-time bootstrap/],
    ['Error: No valid credential sources found', /AWS_PROFILE.*preflight -- --strict/],
    ['Error: Backend configuration changed', /migrate deliberately/],
    [
      'could not connect to registry.terraform.io: failed to request discovery document',
      /registry is not reachable from here: set TF_PROVIDER_MIRROR to a filesystem mirror that holds hashicorp\/aws 5\.100\.0/,
    ],
  ])('adds what to do to an init failure: %s', async (stderr, hint) => {
    expect(initHint(stderr)).toMatch(hint);
    const { runner } = fakeRunner({ fail: () => commandError(stderr) });
    await expect(terraformInit('/s', {}, { runner })).rejects.toThrow(hint);
  });

  it('leaves other init failures as they are', async () => {
    expect(initHint('Error: something else')).toBeUndefined();
    const { runner } = fakeRunner({ fail: () => commandError('Error: something else') });
    await expect(terraformInit('/s', {}, { runner })).rejects.toThrow(
      /^terraform init exited with 1/,
    );
  });

  it('plans into a saved plan file and writes its JSON next to it', async () => {
    const dir = tmp();
    const { runner, calls } = fakeRunner({ planJson: '{"format_version":"1.2","x":1}' });
    const planFile = path.join(dir, 'tfplan');
    const json = await terraformPlan(dir, {}, planFile, { runner, logFile: '/l.log' });
    expect(json).toBe(`${planFile}.json`);
    expect(fs.readFileSync(json, 'utf8')).toBe('{"format_version":"1.2","x":1}');
    expect(calls.map((c) => c.args)).toEqual([
      ['plan', '-input=false', '-no-color', '-lock-timeout=60s', `-out=${planFile}`],
      ['show', '-json', '-no-color', planFile],
    ]);
    expect(calls[0].options.logFile).toBe('/l.log');
    // The plan JSON may be large and hold sensitive values: it does not go to the log.
    expect(calls[1].options.logFile).toBeUndefined();
  });

  it('applies exactly the saved plan', async () => {
    const { runner, calls } = fakeRunner();
    await terraformApply('/s', {}, '/s/tfplan', { runner });
    expect(calls[0].args).toEqual([
      'apply',
      '-input=false',
      '-no-color',
      '-lock-timeout=60s',
      '/s/tfplan',
    ]);
    expect(calls[0].args).not.toContain('-auto-approve');
  });

  it('reads outputs without their sensitive values', async () => {
    const { runner, calls } = fakeRunner({
      outputs: JSON.stringify({
        vpc_id: { sensitive: false, type: 'string', value: 'vpc-1' },
        subnets: { sensitive: false, value: ['a', 'b'] },
        token: { sensitive: true, value: 'SECRET' },
      }),
    });
    const outputs = await readOutputs('/s', {}, { runner });
    expect(outputs).toEqual({
      values: { vpc_id: 'vpc-1', subnets: ['a', 'b'] },
      sensitive: ['token'],
    });
    expect(calls[0].options.logFile).toBeUndefined();
    const text = formatOutputs(outputs);
    expect(text).toContain('vpc_id   vpc-1');
    expect(text).toContain('subnets  ["a","b"]');
    expect(text).toContain('token    (sensitive, not shown)');
    expect(text).not.toContain('SECRET');
  });

  it('handles a stack without outputs', async () => {
    const { runner } = fakeRunner({ outputs: '' });
    expect(await readOutputs('/s', {}, { runner })).toEqual({ values: {}, sensitive: [] });
    expect(outputValues(null)).toEqual({ values: {}, sensitive: [] });
    expect(outputValues({ x: null })).toEqual({ values: { x: undefined }, sensitive: [] });
    expect(formatOutputs({ values: {}, sensitive: [] })).toBe('  (no outputs)');
  });
});

describe('startTarget', () => {
  it("AWS: the Terraform config, no emulator, the run's own outdir, nothing to bootstrap", async () => {
    const run = runFolder();
    const target = await startTarget({
      emulator: false,
      region: 'eu-west-1',
      run,
      baseEnv: { A: '1' },
      deps: { prepareTerraform: (dir) => fakeTerraform(dir) },
    });
    expect(target.kind).toBe('aws');
    expect(target.endpoint).toBeUndefined();
    expect(target.env).toEqual(fakeTerraform(run.dir).env);
    expect(target.outdir).toBe(run.outdir);
    expect(target.run).toBe(run);
    expect(fs.existsSync(target.logDir)).toBe(true);
    expect(target.died()).toBeUndefined();
    expect(await target.prepare({ outdir: '', stacks: new Map() })).toMatch(/one-time bootstrap/);
    expect(Object.keys(target.preflightClients('eu-west-1')).sort()).toEqual([
      'apigateway',
      'ec2',
      'elasticache',
      'rds',
      'sts',
    ]);
    await target.stop();
  });

  it('AWS with AWS_ENDPOINT_URL (an emulator reached as AWS): lowers the provider retries', async () => {
    const { runner } = fakeRunner();
    const target = await startTarget({
      emulator: false,
      region: 'eu-west-1',
      run: runFolder(),
      baseEnv: { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' },
      deps: { prepareTerraform: (dir) => fakeTerraform(dir) },
    });
    const result = await synth(target.outdir, target.env, { runner });
    expect(await target.prepare(result)).toBe(
      'AWS_ENDPOINT_URL=http://127.0.0.1:5000: provider retries lowered (emulator_override.tf.json)',
    );
    for (const stack of result.stacks.values()) {
      expect(fs.readFileSync(path.join(stack.dir, EMULATOR_OVERRIDE_FILE), 'utf8')).toBe(
        emulatorOverride(),
      );
    }
  });

  it('uses the real Terraform setup by default', async () => {
    const run = runFolder();
    const mirror = tmp();
    const platformDir = path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0');
    fs.mkdirSync(path.join(platformDir, terraformPlatform()), { recursive: true });
    fs.writeFileSync(
      path.join(platformDir, terraformPlatform(), 'terraform-provider-aws_v5.100.0_x5'),
      '',
    );
    const target = await startTarget({
      emulator: false,
      region: 'eu-west-1',
      run,
      baseEnv: { TF_PROVIDER_MIRROR: mirror },
    });
    expect(target.env.TF_CLI_CONFIG_FILE).toBe(path.join(run.dir, 'terraformrc'));
  });

  it('emulator: starts it, writes the overrides, bootstraps once, and cleans up', async () => {
    const run = runFolder(true, 'sandbox');
    const workDir = run.dir;
    // Another run's folder beside it is never touched.
    const other = createRunFolder({
      command: 'plan',
      stack: 'TapStackdev',
      emulator: true,
      root: path.dirname(path.dirname(path.dirname(workDir))),
    });
    fs.writeFileSync(path.join(other.dir, 'leftover'), 'x');
    const emulator = fakeEmulator();
    const started: unknown[] = [];
    const { runner, calls } = fakeRunner();
    const target = await startTarget({
      emulator: true,
      region: 'eu-west-1',
      run,
      baseEnv: {},
      deps: {
        prepareTerraform: (dir) => fakeTerraform(dir),
        startEmulator: async (options) => {
          started.push(options);
          return emulator;
        },
        runner,
      },
    });
    expect(fs.readFileSync(path.join(other.dir, 'leftover'), 'utf8')).toBe('x');
    expect(started).toEqual([
      { region: 'eu-west-1', logFile: path.join(workDir, 'logs', 'emulator.log') },
    ]);
    expect(target).toMatchObject({ kind: 'emulator', endpoint: emulator.endpoint });
    expect(target.env).toMatchObject({
      KEEP: '1',
      AWS_ENDPOINT_URL: emulator.endpoint,
      STATE_USE_PATH_STYLE: 'true',
    });
    expect(target.outdir).toBe(path.join(workDir, 'cdktf.out'));

    // Restored in `finally`: the unit tests share one process, and a class left mocked would
    // answer the next file's calls.
    const iam = mockClient(IAMClient);
    const apigateway = mockClient(APIGatewayClient);
    let result: Awaited<ReturnType<typeof synth>>;
    try {
      const roleArn = 'arn:aws:iam::123456789012:role/healthcare-apigw-cloudwatch';
      iam.on(CreateRoleCommand).resolves({ Role: { Arn: roleArn } as never });
      apigateway.on(UpdateAccountCommand).resolves({ cloudwatchRoleArn: roleArn });
      result = await synth(target.outdir, target.env, { runner });
      const note = await target.prepare(result);
      expect(note).toMatch(/TapStateBackend applied; its local state: /);
      // The emulator account gets the one baseline setting preflight requires.
      expect(note).toMatch(
        new RegExp(`API Gateway logs through ${roleArn} \\(stands in for TapAccountBaseline\\)$`),
      );
      const role = iam.commandCalls(CreateRoleCommand)[0].args[0].input;
      // The baseline's own role name: the platform's deploy gate looks for it.
      expect(role.RoleName).toBe('healthcare-apigw-cloudwatch');
      expect(JSON.parse(role.AssumeRolePolicyDocument!).Statement[0].Principal).toEqual({
        Service: 'apigateway.amazonaws.com',
      });
      expect(apigateway.commandCalls(UpdateAccountCommand)[0].args[0].input).toEqual({
        patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: roleArn }],
      });
    } finally {
      iam.restore();
      apigateway.restore();
    }
    for (const stack of result.stacks.values()) {
      expect(fs.readFileSync(path.join(stack.dir, EMULATOR_OVERRIDE_FILE), 'utf8')).toBe(
        emulatorOverride(),
      );
    }
    const boot = stackOf(result, BOOTSTRAP_STACK);
    expect(
      JSON.parse(fs.readFileSync(path.join(boot.dir, BOOTSTRAP_STATE_OVERRIDE_FILE), 'utf8')),
    ).toEqual({
      terraform: { backend: { local: { path: target.bootstrapStatePath } } },
    });
    expect(target.bootstrapStatePath!.startsWith(workDir)).toBe(true);
    const terraform = calls.filter((c) => c.cmd === 'terraform');
    expect(terraform.map((c) => c.args[0])).toEqual(['init', 'plan', 'show', 'apply']);
    expect(terraform.every((c) => c.options.cwd === boot.dir)).toBe(true);

    expect(await target.prepare(result)).toBe('TapStateBackend already applied');
    expect(await target.prepare(result, 'TapStateBackend')).toBe(
      'TapStateBackend is the stack of this run',
    );
    expect(calls.filter((c) => c.cmd === 'terraform')).toHaveLength(4);

    const clients = target.preflightClients('eu-west-1');
    const endpoint = await clients.sts.config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe(emulator.endpoint);
    expect(await clients.ec2.config.credentials()).toMatchObject({ accessKeyId: 'testing' });

    fs.writeFileSync(target.bootstrapStatePath!, '{}');
    await target.stop();
    expect(emulator.stopped).toBe(1);
    expect(fs.existsSync(target.bootstrapStatePath!)).toBe(false);
    expect(fs.existsSync(target.outdir)).toBe(false);
    expect(fs.existsSync(target.logDir)).toBe(true);
    await target.stop({ removeWorkDir: true });
    expect(fs.existsSync(workDir)).toBe(false);
  });

  it('emulator: refuses a synth without the bootstrap stack', async () => {
    const { runner } = fakeRunner({ stacks: ['TapStackdev'] });
    const target = await startTarget({
      emulator: true,
      region: 'eu-west-1',
      run: runFolder(true),
      deps: {
        prepareTerraform: (dir) => fakeTerraform(dir),
        startEmulator: async () => fakeEmulator(),
        runner,
      },
    });
    const result = await synth(target.outdir, target.env, { runner });
    await expect(target.prepare(result)).rejects.toThrow(
      /did not synthesize TapStateBackend \(got TapStackdev\)/,
    );
  });
});

describe('planStack and applyPlanned', () => {
  const selection = selectStack('deploy', { ENVIRONMENT_SUFFIX: 'dev' });
  const commit = async () => ({ commit: 'c0ffee', dirty: false });
  const now = () => new Date('2026-12-07T10:00:00Z');
  const identity = { Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/x' };
  const http500 = Object.assign(new Error('not implemented'), {
    $metadata: { httpStatusCode: 500 },
  });
  const config_ = { region: async () => 'eu-west-1' };
  const clients = (sts: () => Promise<unknown>): PreflightClients =>
    ({
      sts: { config: config_, send: sts },
      rds: { config: config_, send: async () => Promise.reject(http500) },
      elasticache: { config: config_, send: async () => Promise.reject(http500) },
      apigateway: {
        config: config_,
        send: async () => ({ cloudwatchRoleArn: 'arn:aws:iam::123456789012:role/apigw-logs' }),
      },
      ec2: {
        config: config_,
        send: async () => ({
          AvailabilityZones: ['a', 'b', 'c'].map((z) => ({
            ZoneName: `eu-west-1${z}`,
            ZoneType: 'availability-zone',
            State: 'available',
          })),
        }),
      },
    }) as unknown as PreflightClients;

  function target(
    kind: 'aws' | 'emulator',
    run = runFolder(kind === 'emulator'),
  ): Target & { prepared: number } {
    const workDir = run.dir;
    const t = {
      kind,
      run,
      env: { E: '1' },
      region: 'eu-west-1',
      workDir,
      outdir: run.outdir,
      logDir: run.logDir,
      terraform: fakeTerraform(workDir),
      prepared: 0,
      prepare: async () => {
        t.prepared += 1;
        return 'bootstrapped';
      },
      preflightClients: () => clients(async () => identity),
      stop: async () => undefined,
      died: () => undefined,
    };
    return t;
  }

  it('runs synth, bootstrap, preflight, init, plan and review, and judges the plan', async () => {
    const planJson = fs.readFileSync(path.join(FIXTURES, 'create-only.json'), 'utf8');
    const { runner, calls } = fakeRunner({ planJson, outputs: '{"vpc_id":{"value":"vpc-1"}}' });
    const t = target('emulator');
    const timer = silentTimer();
    const printed: string[] = [];
    const reviewFile = path.join(t.workDir, 'review.md');

    const planned = await planStack({
      timer,
      target: t,
      selection,
      commit,
      now,
      runner,
      reviewFile,
      write: (text) => printed.push(text),
    });

    expect(timer.results.map((r) => [r.name, r.status])).toEqual([
      ['synth', 'ok'],
      ['bootstrap state (emulator)', 'ok'],
      ['preflight', 'ok'],
      ['init TapStackdev', 'ok'],
      ['plan TapStackdev', 'ok'],
      ['plan review', 'ok'],
    ]);
    expect(t.prepared).toBe(1);
    expect(printed.join('')).toMatch(/NOT VERIFIED/);
    expect(printed.join('')).toContain(planned.review.markdown);
    expect(fs.readFileSync(reviewFile, 'utf8')).toBe(planned.review.markdown);
    expect(planned.review.markdown).toMatch(/^# Plan review: TapStackdev/);
    expect(planned.verdict.blocked).toBe(false);
    expect(planned.planFile).toBe(path.join(t.run.planDir, 'tfplan'));
    expect(planned.planSha256).toBe(sha256File(planned.planFile));
    expect(planned.review.markdown).toContain(`Saved plan \`sha256:${planned.planSha256}\``);
    expect(planned.manifest).toEqual({
      version: 1,
      stack: 'TapStackdev',
      kind: 'platform',
      environment: 'dev',
      accountId: '123456789012',
      region: 'eu-west-1',
      commit: 'c0ffee',
      dirty: false,
      planSha256: planned.planSha256,
      configSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      createdAt: '2026-12-07T10:00:00.000Z',
      guardAllow: [],
    });
    expect(JSON.parse(fs.readFileSync(path.join(t.run.planDir, 'manifest.json'), 'utf8'))).toEqual(
      planned.manifest,
    );
    const tf = calls.filter((c) => c.cmd === 'terraform');
    expect(tf.map((c) => c.args[0])).toEqual(['init', 'plan', 'show']);
    expect(tf.every((c) => c.options.env?.E === '1')).toBe(true);

    const outputs = await applyPlanned(timer, t, planned, runner);
    expect(outputs.values).toEqual({ vpc_id: 'vpc-1' });
    expect(calls.filter((c) => c.cmd === 'terraform').map((c) => c.args[0])).toEqual([
      'init',
      'plan',
      'show',
      'apply',
      'output',
    ]);
    expect(timer.results.slice(-2).map((r) => r.name)).toEqual(['apply TapStackdev', 'outputs']);
  });

  it("AWS: writes the review into the run's own folder, and applies the guard overrides", async () => {
    const planJson = fs.readFileSync(path.join(FIXTURES, 'replace-prod-database.json'), 'utf8');
    const address = JSON.parse(planJson).resource_changes.find(
      (rc: { type: string }) => rc.type === 'aws_db_instance',
    ).address;
    const { runner } = fakeRunner({ planJson });
    const t = target('aws');
    const timer = silentTimer();
    const blocked = await planStack({
      timer,
      target: t,
      selection,
      commit,
      now,
      runner,
      write: () => undefined,
    });
    expect(blocked.verdict.blocked).toBe(true);
    expect(blocked.reviewFile).toBe(path.join(t.run.planDir, 'review.md'));
    // Outside the project (a prefix test took TMPDIR=<project>-tmp for inside it).
    expect(path.relative(PROJECT_ROOT, blocked.reviewFile).startsWith(`..${path.sep}`)).toBe(true);
    expect(timer.results[1]).toMatchObject({ name: 'prepare stack', status: 'ok' });

    const allowed = await planStack({
      timer: silentTimer(),
      target: t,
      selection,
      commit,
      now,
      runner,
      allow: [address],
      reviewFile: path.join(t.workDir, 'r.md'),
      saveDir: path.join(t.workDir, 'saved'),
      preflightClients: () => clients(async () => identity),
      write: () => undefined,
    });
    expect(allowed.verdict.blocked).toBe(false);
    expect(allowed.review.markdown).toMatch(/override/);
    expect(fs.readFileSync(path.join(t.workDir, 'r.md'), 'utf8')).toBe(allowed.review.markdown);
    // --save: the plan, its JSON, the review and the manifest, for a later apply.
    expect(fs.readdirSync(path.join(t.workDir, 'saved')).sort()).toEqual([
      'manifest.json',
      'plan.json',
      'review.md',
      'tfplan',
    ]);
    const saved = JSON.parse(
      fs.readFileSync(path.join(t.workDir, 'saved', 'manifest.json'), 'utf8'),
    );
    expect(saved.guardAllow).toEqual([address]);
    expect(saved.planSha256).toBe(allowed.planSha256);
  });

  it('stops at preflight when a check fails, and with --strict when one is not verified', async () => {
    const { runner, calls } = fakeRunner();
    const denied = Object.assign(
      new Error('The security token included in the request is invalid'),
      {
        name: 'InvalidClientTokenId',
        $metadata: { httpStatusCode: 403 },
      },
    );
    const failing = planStack({
      timer: silentTimer(),
      target: target('aws'),
      selection,
      commit,
      runner,
      write: () => undefined,
      preflightClients: () => clients(async () => Promise.reject(denied)),
    });
    await expect(failing).rejects.toThrow(PhaseError);
    await expect(failing).rejects.toThrow(
      /phase "preflight" failed: preflight: 1 check\(s\) failed/,
    );

    const strict = planStack({
      timer: silentTimer(),
      target: target('aws'),
      selection,
      commit,
      runner,
      strict: true,
      write: () => undefined,
    });
    await expect(strict).rejects.toThrow(
      /preflight --strict: \d+ check\(s\) could not be verified/,
    );
    expect(calls.some((c) => c.args[0] === 'init')).toBe(false);
  });

  it('writes to stdout by default', async () => {
    const planJson = fs.readFileSync(path.join(FIXTURES, 'review-no-changes.json'), 'utf8');
    const { runner } = fakeRunner({ planJson });
    const t = target('aws');
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await planStack({
        timer: silentTimer(),
        target: t,
        selection,
        commit,
        runner,
        reviewFile: path.join(t.workDir, 'r.md'),
      });
      expect(spy.mock.calls.map((c) => String(c[0])).join('')).toMatch(/Plan review/);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('messages', () => {
  it('names the failed phase, the cause and the log', () => {
    const error = new PhaseError('plan TapStackdev', commandError('boom', '/logs/plan.log'));
    expect(describeFailure('deploy', error)).toMatch(
      /^deploy FAILED in phase "plan TapStackdev":\nterraform init exited with 1 \(full log: \/logs\/plan.log\)\nboom\n\(log: \/logs\/plan.log\)$/,
    );
    expect(describeFailure('plan', new Error('x'))).toBe('plan FAILED in phase "setup":\nx');
    expect(describeFailure('plan', commandError('no log'))).not.toMatch(/\(log:/);
    expect(describeFailure('plan', 'text')).toBe('plan FAILED in phase "setup":\ntext');
  });

  it('summarises the phases and the result', async () => {
    let now = 0;
    const timer = new PhaseTimer({ write: () => undefined, now: () => now });
    await timer.run('synth', () => {
      now += 1500;
    });
    const text = runSummary(timer, true, ' (emulator stopped)');
    expect(text).toMatch(
      /^Phases:\n {2}synth +ok +1\.5 s\n {2}total +1\.5 s\nResult: OK in 1\.5 s \(emulator stopped\)$/,
    );
    expect(runSummary(timer, false)).toMatch(/Result: FAILED in 1\.5 s$/);
  });

  it('tells how to point the AWS CLI, the SDK and Terraform at the emulator', () => {
    const text = emulatorInstructions({
      endpoint: 'http://127.0.0.1:5999',
      region: 'eu-west-1',
      environment: 'dev',
      stackDir: '/w/stacks/TapStackdev',
      cliConfigFile: '/w/terraformrc',
    });
    expect(text).toContain(
      'export AWS_ENDPOINT_URL=http://127.0.0.1:5999 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing',
    );
    expect(text).toContain('AWS_REGION=eu-west-1');
    expect(text).toContain('aws ec2 describe-vpcs --filters Name=tag:Environment,Values=dev');
    expect(text).toContain(
      'cd /w/stacks/TapStackdev && TF_CLI_CONFIG_FILE=/w/terraformrc terraform state list',
    );
  });
});

describe('with the real runner', () => {
  // A small real cdktf app (__tests__/fixtures/cdktf-app), run as cdktf.json says: the real
  // shell, runner and cdktf output. main.test runs the product's own app, and every e2e run
  // synthesizes it through synth().
  it('runs a real cdktf app into the given folder, with the environment and cdktf.json context', async () => {
    const outdir = tmp();
    const root = path.join(__dirname, '..', '..', 'fixtures', 'cdktf-app');
    const result = await synth(
      outdir,
      { PATH: process.env.PATH ?? '', ENVIRONMENT_SUFFIX: 'dev' },
      { root },
    );
    expect([...result.stacks.keys()].sort()).toEqual(['FixtureOne', 'FixtureTwo']);
    const json = JSON.parse(
      fs.readFileSync(path.join(stackOf(result, 'FixtureTwo').dir, 'cdk.tf.json'), 'utf8'),
    );
    expect(stackOf(result, 'FixtureTwo').dir).toBe(path.join(outdir, 'stacks', 'FixtureTwo'));
    expect(json.output).toEqual({
      environment: { value: 'dev' },
      context: { value: 'from cdktf.json' },
    });
  }, 30_000);

  it('reports a Terraform that cannot start', async () => {
    const nowhere = path.join(os.tmpdir(), 'no-such-stack-dir');
    await expect(terraformInit(nowhere, {})).rejects.toThrow(/cannot start terraform/);
    await expect(terraformPlan(nowhere, {}, path.join(nowhere, 'p'))).rejects.toThrow(
      /cannot start terraform/,
    );
    await expect(terraformApply(nowhere, {}, 'p')).rejects.toThrow(/cannot start terraform/);
    await expect(readOutputs(nowhere, {})).rejects.toThrow(/cannot start terraform/);
  });
});

describe('startTargetPhase', () => {
  it('times "prepare terraform" for AWS and notes where the providers come from', async () => {
    const timer = silentTimer();
    const root = tmp();
    const target = await startTargetPhase(timer, 'plan', {
      emulator: false,
      region: 'eu-west-1',
      baseEnv: {},
      stack: 'TapStackdev',
      root,
      deps: { prepareTerraform: (dir) => fakeTerraform(dir) },
    });
    expect(target.kind).toBe('aws');
    expect(path.dirname(target.run.dir)).toBe(path.join(root, 'cdktf.out', 'runs'));
    expect(timer.results.map((r) => [r.name, r.status, r.note])).toEqual([
      ['prepare terraform', 'ok', 'providers from the filesystem mirror /mirror'],
    ]);
    await target.stop();
  });
});

describe('exitWith', () => {
  it('exits with the command code', async () => {
    const codes: number[] = [];
    await exitWith(Promise.resolve(3), (c) => codes.push(c));
    expect(codes).toEqual([3]);
  });

  it('prints an unexpected error and exits 1', async () => {
    const codes: number[] = [];
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await exitWith(Promise.reject(new Error('boom')), (c) => codes.push(c));
      expect(codes).toEqual([1]);
      expect(printed).toHaveBeenCalledWith(new Error('boom'));
    } finally {
      printed.mockRestore();
    }
  });
});
