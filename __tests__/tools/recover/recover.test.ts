/**
 * The recover flow end to end with a fake terraform (the runner) and mocked AWS clients:
 * every decision on the lock, the rounds of plan → match → import, and the adoption.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeAddressesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockAws } from '../../support/aws-mock';
import { CommandError, PhaseTimer, Runner } from '../../../tools/core';
import { createRunFolder, selectStack, StackSelection, Target } from '../../../tools/deploy';
import { createRecoverClients, RecoverClientOptions } from '../../../tools/recover/clients';
import type { RecoverClients } from '../../../tools/recover/finder';
import type { RunOnDisk } from '../../../tools/recover/holder';
import { IMPORTS_FILE } from '../../../tools/recover/imports';
import { eipFinder, subnetFinder, vpcFinder } from '../../../tools/recover/network-finders';
import { importsSection, MAX_ROUNDS, recover, RecoverArgs } from '../../../tools/recover/recover';
import {
  mockAssumeRole,
  NestedAssumeRoleCommand,
  roleCredentials,
  stsError,
} from '../../support/assume-role';
import { DRILL_LOCK, ec2Tags } from './fixtures';

const ec2 = mockAws(EC2Client);
const dynamo = mockAws(DynamoDBClient);
const s3 = mockAws(S3Client);
const sts = mockAws(STSClient);
const assumeRole = mockAssumeRole();

/**
 * Two accounts, told apart by the keys a client signs with (as AWS does): the operator's own
 * keys act in the tooling account, where the state lives; the deploy role's keys act in the
 * environment's account.
 */
const TOOLING = '123456789012';
const ENV_ACCOUNT = '222222222222';
const OPERATOR = `arn:aws:iam::${TOOLING}:user/operator`;
const OPERATOR_KEY = 'AKIAOPERATOR';
const ROLE_KEY = 'ASIAENVROLE';
const ROLE_ARN = `arn:aws:iam::${ENV_ACCOUNT}:role/OrganizationAccountAccessRole`;
const ASSUMED = `arn:aws:sts::${ENV_ACCOUNT}:assumed-role/OrganizationAccountAccessRole/healthcare-dev-deploy`;

type WithCredentials = { config: { credentials: () => Promise<{ accessKeyId: string }> } };
/** The access key a client signs with (the mock's client, as AWS would see it). */
const keyOf = async (client: unknown) =>
  (await (client as WithCredentials).config.credentials()).accessKeyId;

const ENV_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE'] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
beforeAll(() => {
  // The operator's own credentials, from the environment (the default chain reads them first).
  process.env.AWS_ACCESS_KEY_ID = OPERATOR_KEY;
  process.env.AWS_SECRET_ACCESS_KEY = 'operator-secret';
  delete process.env.AWS_PROFILE;
});
afterAll(() => {
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

const FINDERS = new Map([vpcFinder, subnetFinder, eipFinder].map((f) => [f.type, f]));
const STACK = 'TapStackdev';
const VPC = 'aws_vpc.network_vpc_4E8F0223';
const SUBNET = 'aws_subnet.network_isolated-subnet-0_D1F49F8C';
const BACKEND = {
  s3: {
    bucket: 'b',
    key: 'healthcare/dev/TapStackdev.tfstate',
    region: 'eu-west-1',
    dynamodb_table: 't',
    use_lockfile: true,
  },
};

interface Call {
  readonly cmd: string;
  readonly args: readonly string[];
  /** The import blocks in the stack folder when the command ran. */
  readonly imports?: { to: string; id: string }[];
}

/**
 * What a plan shows, given the import blocks present when it ran, its -target addresses,
 * whether it was refresh-only and what the state holds as tainted; `{ fails }` makes
 * terraform exit 1 with that output.
 */
type PlanOf = (
  imports: ReadonlyMap<string, string>,
  targets: readonly string[],
  how: { readonly refreshOnly: boolean; readonly tainted: ReadonlySet<string> },
) => object;

const change = (
  address: string,
  actions: string[],
  after: object,
  unknown: object = {},
  importing?: string,
) => ({
  address,
  mode: 'managed',
  type: address.split('.')[0],
  name: address.split('.')[1],
  provider_name: 'registry.terraform.io/hashicorp/aws',
  change: {
    actions,
    before: actions[0] === 'create' ? null : after,
    after,
    after_unknown: unknown,
    ...(importing ? { importing: { id: importing } } : {}),
  },
});

const configuration = (types: string[]) => ({
  provider_config: {
    aws: {
      name: 'aws',
      expressions: {
        region: { constant_value: 'eu-west-1' },
        default_tags: [
          { tags: { constant_value: { Project: 'healthcare-platform', Environment: 'dev' } } },
        ],
      },
    },
  },
  root_module: {
    resources: types.map((t, i) => ({
      address: `${t}.r${i}`,
      mode: 'managed',
      type: t,
      provider_config_key: 'aws',
    })),
  },
});

/** The drill's network: a VPC and its subnet exist, the state holds neither. */
const networkPlan: PlanOf = (imports, targets) => {
  const vpcId = imports.get(VPC);
  const subnetAfter = {
    cidr_block: '10.40.128.0/24',
    tags: { Name: 'healthcare-vpc-dev-isolated-eu-west-1a' },
    ...(vpcId ? { vpc_id: vpcId } : {}),
  };
  const changes = [
    vpcId
      ? change(VPC, ['no-op'], { id: vpcId, tags: { Name: 'healthcare-vpc-dev' } }, {}, vpcId)
      : change(VPC, ['create'], { tags: { Name: 'healthcare-vpc-dev' } }, { id: true }),
    imports.has(SUBNET)
      ? change(SUBNET, ['update'], subnetAfter, {}, imports.get(SUBNET))
      : change(SUBNET, ['create'], subnetAfter, vpcId ? {} : { vpc_id: true }),
    change('aws_cloudwatch_metric_alarm.cpu', ['create'], { alarm_name: 'a' }),
  ];
  return {
    format_version: '1.2',
    terraform_version: '1.11.4',
    // -target: only those addresses (the fake has no dependencies to add).
    resource_changes:
      targets.length > 0 ? changes.filter((c) => targets.includes(c.address)) : changes,
    prior_state: { format_version: '1.0', values: { root_module: { resources: [] } } },
    configuration: configuration(['aws_vpc', 'aws_subnet', 'aws_cloudwatch_metric_alarm']),
  };
};

function world(planOf: PlanOf, backend: object = BACKEND, taintedInState: string[] = []) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'recover-flow-'));
  const tainted = new Set(taintedInState);
  const run = createRunFolder({ command: 'recover', stack: STACK, emulator: false, root });
  const calls: Call[] = [];
  const plans = new Map<string, object>();
  const stackDir = path.join(run.outdir, 'stacks', STACK);
  const runner: Runner = async (cmd, args, options) => {
    const ok = (stdout = '') => ({ code: 0, stdout, stderr: '', durationMs: 1 });
    if (cmd === 'sh') {
      const out = options!.env!.CDKTF_OUTDIR;
      fs.mkdirSync(path.join(out, 'stacks', STACK), { recursive: true });
      fs.writeFileSync(
        path.join(out, 'manifest.json'),
        JSON.stringify({ stacks: { [STACK]: { workingDirectory: `stacks/${STACK}` } } }),
      );
      fs.writeFileSync(
        path.join(out, 'stacks', STACK, 'cdk.tf.json'),
        JSON.stringify({ terraform: { backend } }),
      );
      calls.push({ cmd, args: ['synth'] });
      return ok();
    }
    const file = path.join(stackDir, IMPORTS_FILE);
    const blocks = fs.existsSync(file)
      ? (JSON.parse(fs.readFileSync(file, 'utf8')).import as { to: string; id: string }[])
      : [];
    calls.push({ cmd, args, imports: blocks });
    if (args[0] === 'plan') {
      const out = args.find((a) => a.startsWith('-out='))!.slice(5);
      const targets = args.filter((a) => a.startsWith('-target=')).map((a) => a.slice(8));
      const refreshOnly = args.includes('-refresh-only');
      const plan = planOf(new Map(blocks.map((b) => [b.to, b.id])), targets, {
        refreshOnly,
        tainted,
      });
      if ('fails' in plan) {
        const result = { code: 1, stdout: '', stderr: String(plan.fails), durationMs: 1 };
        throw new CommandError(`terraform ${args.join(' ')}`, result);
      }
      plans.set(out, plan);
      fs.writeFileSync(out, `saved plan ${plans.size}`);
    }
    if (args[0] === 'untaint') tainted.delete(args[args.length - 1]);
    if (args[0] === 'show') return ok(JSON.stringify(plans.get(args[args.length - 1])));
    if (args[0] === 'output') return ok('{}');
    return ok();
  };
  const target = {
    kind: 'aws',
    run,
    env: { TF_CLI_CONFIG_FILE: '/x' },
    region: 'eu-west-1',
    workDir: run.dir,
    outdir: run.outdir,
    logDir: run.logDir,
    prepare: async () => 'prepared',
    stop: async () => undefined,
    died: () => undefined,
  } as unknown as Target;
  return { root, run, calls, runner, target, stackDir, plans };
}

const selection = (profile: 'standard' | 'production' = 'standard', stackId = STACK) =>
  ({
    kind: 'platform',
    stackId,
    region: 'eu-west-1',
    config: { profile },
    env: { ENVIRONMENT_SUFFIX: 'dev' },
  }) as unknown as StackSelection;

interface Outcome {
  code: number;
  text: string;
  calls: Call[];
  terraform: (sub: string) => Call[];
  reviewFile: string;
  stackDir: string;
}

async function runRecover(
  args: Partial<RecoverArgs>,
  options: {
    planOf?: PlanOf;
    backend?: object;
    /** What the state holds as tainted when recover starts. */
    tainted?: string[];
    runs?: RunOnDisk[];
    alive?: (pid: number) => boolean;
    confirm?: (q: string) => Promise<boolean>;
    profile?: 'standard' | 'production';
    stackId?: string;
    selection?: StackSelection;
    clientsFor?: (region: string, how: RecoverClientOptions) => RecoverClients;
  } = {},
): Promise<Outcome> {
  const w = world(options.planOf ?? networkPlan, options.backend, options.tainted);
  const out: string[] = [];
  const code = await recover({
    timer: new PhaseTimer({ write: () => undefined }),
    target: w.target,
    selection: options.selection ?? selection(options.profile, options.stackId),
    args: { releaseLock: false, adopt: false, ...args },
    runner: w.runner,
    clientsFor:
      options.clientsFor ??
      ((region) =>
        ({
          state: {
            dynamodb: new DynamoDBClient({ region }),
            s3: new S3Client({ region }),
            sts: new STSClient({ region }),
          },
          finders: { ec2: new EC2Client({ region }), sts: new STSClient({ region }) },
        }) as unknown as RecoverClients),
    finderOf: (type) => FINDERS.get(type),
    now: () => new Date('2026-12-07T08:01:00Z'),
    host: 'vm',
    runs: () => options.runs ?? [],
    processes: () => [],
    alive: options.alive ?? (() => false),
    confirm: options.confirm,
    write: (t) => out.push(t),
  });
  const result = {
    code,
    text: out.join(''),
    calls: w.calls,
    terraform: (sub: string) => w.calls.filter((c) => c.cmd === 'terraform' && c.args[0] === sub),
    reviewFile: path.join(w.run.planDir, 'review.md'),
    stackDir: w.stackDir,
  };
  const review = fs.existsSync(result.reviewFile) ? fs.readFileSync(result.reviewFile, 'utf8') : '';
  fs.rmSync(w.root, { recursive: true, force: true });
  return { ...result, reviewFile: review };
}

const item = (lock: object) => ({ Item: { Info: { S: JSON.stringify(lock) } } });
const noSuchKey = Object.assign(new Error('no key'), { name: 'NoSuchKey' });

function account(lock?: object) {
  ec2.reset();
  dynamo.reset();
  s3.reset();
  sts.reset();
  assumeRole.reset();
  sts
    .on(GetCallerIdentityCommand)
    .callsFake(async (_input, getClient) =>
      (await keyOf(getClient())) === ROLE_KEY
        ? { Account: ENV_ACCOUNT, Arn: ASSUMED }
        : { Account: TOOLING, Arn: OPERATOR },
    );
  ec2.on(DescribeVpcsCommand).resolves({
    Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.40.0.0/16', Tags: ec2Tags('healthcare-vpc-dev') }],
  });
  ec2.on(DescribeSubnetsCommand).resolves({
    Subnets: [
      {
        SubnetId: 'subnet-1',
        VpcId: 'vpc-1',
        CidrBlock: '10.40.128.0/24',
        Tags: ec2Tags('healthcare-vpc-dev-isolated-eu-west-1a'),
      },
    ],
  });
  dynamo.on(GetItemCommand).resolves(lock ? item(lock) : {});
  s3.on(GetObjectCommand).rejects(noSuchKey);
}

const deployRun = (pid: number, host = 'vm'): RunOnDisk => ({
  dir: '/repo/cdktf.out/runs/20261207T075226-deploy-TapStackdev-4522-e415',
  record: {
    id: '20261207T075226-deploy-TapStackdev-4522-e415',
    command: 'deploy',
    stack: STACK,
    pid,
    host,
    startedAt: '2026-12-07T07:52:26Z',
  },
});

describe('no lock', () => {
  test('orphans are matched over rounds: the VPC first, its subnet once the plan knows the VPC id; exit 1 until adopted', async () => {
    account();
    const r = await runRecover({});
    expect(r.code).toBe(1);
    expect(r.text).toContain(
      "No lock on TapStackdev: nothing held in DynamoDB t item LockID=b/healthcare/dev/TapStackdev.tfstate nor s3://b/healthcare/dev/TapStackdev.tfstate.tflock.\n  lock in:   eu-west-1, account 123456789012, read with the caller's own credentials (as Terraform's S3 backend; not the deploy role)\n",
    );
    expect(r.text).toContain(
      `\n  Searched account ${TOOLING} as ${OPERATOR} (the caller's own credentials: DEPLOY_ROLE_ARN is not set).\n`,
    );
    const plans = r.terraform('plan');
    expect(plans.map((p) => p.imports)).toEqual([
      [],
      [{ to: VPC, id: 'vpc-1' }],
      [
        { to: SUBNET, id: 'subnet-1' },
        { to: VPC, id: 'vpc-1' },
      ],
    ]);
    expect(plans[0].args).toEqual([
      'plan',
      '-input=false',
      '-no-color',
      '-lock-timeout=60s',
      expect.stringMatching(/-out=.*round-1\.tfplan$/),
    ]);
    expect(r.text).toContain(
      `    ${VPC}                   ←  vpc-1 (healthcare-vpc-dev, 10.40.0.0/16)   [import id vpc-1]`,
    );
    expect(r.text).toContain(
      `    ${SUBNET}  ←  subnet-1 (healthcare-vpc-dev-isolated-eu-west-1a, 10.40.128.0/24, vpc-1)   [import id subnet-1]`,
    );
    expect(r.text).toContain('(3 round(s))');
    expect(r.text).toContain(
      '    aws_cloudwatch_metric_alarm (1): PutMetricAlarm overwrites: the next apply takes a leftover over',
    );
    expect(r.terraform('apply')).toEqual([]);
    expect(fs.existsSync(path.join(r.stackDir, IMPORTS_FILE))).toBe(false);
  });

  test('nothing outside the state: exit 0 after one round', async () => {
    account();
    ec2.on(DescribeVpcsCommand).resolves({});
    ec2.on(DescribeSubnetsCommand).resolves({});
    const r = await runRecover({});
    expect(r.code).toBe(0);
    expect(r.terraform('plan')).toHaveLength(1);
    expect(r.text).toContain('Orphans of TapStackdev: none.');
  });

  test('a second VPC no planned address wants is listed for deletion with the AWS CLI command', async () => {
    account();
    const inState: PlanOf = () => ({
      format_version: '1.2',
      resource_changes: [],
      prior_state: {
        values: {
          root_module: {
            resources: [
              { mode: 'managed', type: 'aws_vpc', values: { id: 'vpc-1' } },
              { mode: 'managed', type: 'aws_subnet', values: { id: 'subnet-1' } },
            ],
          },
        },
      },
      configuration: configuration(['aws_vpc', 'aws_subnet']),
    });
    ec2.on(DescribeVpcsCommand).resolves({
      Vpcs: [
        { VpcId: 'vpc-1', CidrBlock: '10.40.0.0/16', Tags: ec2Tags('healthcare-vpc-dev') },
        { VpcId: 'vpc-2', CidrBlock: '10.40.0.0/16', Tags: ec2Tags('healthcare-vpc-dev') },
      ],
    });
    const r = await runRecover({}, { planOf: inState });
    expect(r.code).toBe(1);
    expect(r.text).toContain('  Not adopted: delete it.');
    expect(r.text).toContain(
      '    aws_vpc vpc-2 (healthcare-vpc-dev, 10.40.0.0/16)\n      aws ec2 delete-vpc --region eu-west-1 --vpc-id vpc-2',
    );
    expect(r.text).not.toContain('vpc-1 (');
  });
});

describe('a deploy role (DEPLOY_ROLE_ARN): the finders search its account, the lock stays with the caller', () => {
  const REFUSAL = `User: ${OPERATOR} is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`;
  const devSelection = (env: Record<string, string> = {}) =>
    selectStack(
      'recover',
      { STATE_BUCKET: 'my-org-tfstate', ENVIRONMENT_SUFFIX: 'dev', ...env },
      {},
      STACK,
    );
  const WITH_ROLE = {
    DEPLOY_ROLE_ARN: `dev=${ROLE_ARN}`,
    DEPLOY_EXTERNAL_ID: 'dev=tooling-2026',
  };

  /**
   * The network exists in the environment's account only: the role's keys see it, the
   * operator's keys (the tooling account) see none. Records who read what.
   */
  function twoAccounts() {
    account();
    const seen = { ec2: [] as string[], lock: [] as string[] };
    const inEnvAccount = <T>(found: T, none: T) =>
      (async (_input: unknown, getClient: () => unknown) => {
        const key = await keyOf(getClient());
        seen.ec2.push(key);
        return key === ROLE_KEY ? found : none;
      }) as never;
    ec2.on(DescribeVpcsCommand).callsFake(
      inEnvAccount(
        {
          Vpcs: [
            { VpcId: 'vpc-1', CidrBlock: '10.40.0.0/16', Tags: ec2Tags('healthcare-vpc-dev') },
          ],
        },
        { Vpcs: [] },
      ),
    );
    ec2.on(DescribeSubnetsCommand).callsFake(
      inEnvAccount(
        {
          Subnets: [
            {
              SubnetId: 'subnet-1',
              VpcId: 'vpc-1',
              CidrBlock: '10.40.128.0/24',
              Tags: ec2Tags('healthcare-vpc-dev-isolated-eu-west-1a'),
            },
          ],
        },
        { Subnets: [] },
      ),
    );
    dynamo.on(GetItemCommand).callsFake(async (_input, getClient) => {
      seen.lock.push(`dynamodb ${await keyOf(getClient())}`);
      return {};
    });
    s3.on(GetObjectCommand).callsFake(async (_input, getClient) => {
      seen.lock.push(`s3 ${await keyOf(getClient())}`);
      throw noSuchKey;
    });
    return seen;
  }

  test("with the role: the orphans of the role's account are found; the lock is read with the caller's keys", async () => {
    const seen = twoAccounts();
    assumeRole.on(NestedAssumeRoleCommand).resolves({ Credentials: roleCredentials(ROLE_KEY) });
    const r = await runRecover(
      {},
      { selection: devSelection(WITH_ROLE), clientsFor: createRecoverClients },
    );
    expect(r.code).toBe(1);
    expect(r.text).toContain(
      `    ${VPC}                   ←  vpc-1 (healthcare-vpc-dev, 10.40.0.0/16)`,
    );
    expect(r.text).toContain(`    ${SUBNET}  ←  subnet-1 (`);
    expect(r.text).toContain(
      `\n  Searched account ${ENV_ACCOUNT} as ${ROLE_ARN} (DEPLOY_ROLE_ARN).\n`,
    );
    expect(r.text).toContain(
      "\n  lock in:   eu-west-1, account 123456789012, read with the caller's own credentials (as Terraform's S3 backend; not the deploy role)\n",
    );
    // Three rounds of VPC and subnet listings, every one signed by the role.
    expect(seen.ec2).toEqual(Array(6).fill(ROLE_KEY));
    expect(seen.lock).toEqual([`dynamodb ${OPERATOR_KEY}`, `s3 ${OPERATOR_KEY}`]);
    // Assumed once for the whole run, exactly as the provider assumes it.
    expect(assumeRole.commandCalls(NestedAssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      {
        RoleArn: ROLE_ARN,
        RoleSessionName: 'healthcare-dev-deploy',
        ExternalId: 'tooling-2026',
      },
    ]);
    expect(r.terraform('plan')).toHaveLength(3);
  });

  test("without a role nothing changes: the caller's own keys search the caller's account (here: none of the network)", async () => {
    const seen = twoAccounts();
    const r = await runRecover({}, { selection: devSelection(), clientsFor: createRecoverClients });
    expect(r.code).toBe(0);
    expect(r.text).toContain('Orphans of TapStackdev: none.');
    expect(r.text).toContain(
      `\n  Searched account ${TOOLING} as ${OPERATOR} (the caller's own credentials: DEPLOY_ROLE_ARN is not set).\n`,
    );
    expect(seen.ec2).toEqual([OPERATOR_KEY, OPERATOR_KEY]);
    expect(seen.lock).toEqual([`dynamodb ${OPERATOR_KEY}`, `s3 ${OPERATOR_KEY}`]);
    expect(assumeRole.calls()).toHaveLength(0);
  });

  test('a refused AssumeRole stops recover before any plan or search: one message, exit 1, never "no orphans"', async () => {
    const seen = twoAccounts();
    assumeRole.on(NestedAssumeRoleCommand).rejects(stsError('AccessDenied', REFUSAL, 403));
    const r = await runRecover(
      {},
      { selection: devSelection(WITH_ROLE), clientsFor: createRecoverClients },
    );
    expect(r.code).toBe(1);
    const tail = r.text.slice(r.text.indexOf('\nrecover: '));
    expect(tail).toBe(
      [
        '',
        `recover: could not assume DEPLOY_ROLE_ARN ${ROLE_ARN} (session healthcare-dev-deploy, external id from DEPLOY_EXTERNAL_ID) in eu-west-1: AccessDenied, HTTP 403: ${REFUSAL}`,
        `  fix: the trust policy of ${ROLE_ARN} (in account ${ENV_ACCOUNT}) must allow the principal running this (the caller AWS names above) sts:AssumeRole with the condition sts:ExternalId equal to the value of DEPLOY_EXTERNAL_ID, and that principal's own IAM policy must allow sts:AssumeRole on the role; AWS answers AccessDenied for a role that does not exist too: check DEPLOY_ROLE_ARN`,
        `Orphans were not searched: TapStackdev's resources are in account ${ENV_ACCOUNT}, and a search anywhere else finds none of them.`,
        '',
      ].join('\n'),
    );
    expect(r.text).not.toContain('Orphans of');
    expect(r.terraform('plan')).toEqual([]);
    expect(seen.ec2).toEqual([]);
    // The lock was still read, with the caller's keys: the state needs no role.
    expect(seen.lock).toEqual([`dynamodb ${OPERATOR_KEY}`, `s3 ${OPERATOR_KEY}`]);
  });

  test("no role, but the stack is pinned to another account than the caller's: stops before the search", async () => {
    const seen = twoAccounts();
    const r = await runRecover(
      {},
      {
        selection: devSelection({ AWS_ACCOUNT_ID: `dev=${ENV_ACCOUNT}` }),
        clientsFor: createRecoverClients,
      },
    );
    expect(r.code).toBe(1);
    expect(r.text).toContain(
      `\nrecover: the finders' credentials reach account ${TOOLING} (as ${OPERATOR}), but TapStackdev deploys into account ${ENV_ACCOUNT} (AWS_ACCOUNT_ID).\n`,
    );
    expect(r.terraform('plan')).toEqual([]);
    expect(seen.ec2).toEqual([]);
  });
});

describe('--untaint: what an interrupted apply left tainted', () => {
  const ROLE = 'aws_iam_role.readiness_role_B1';
  const USER = 'aws_elasticache_user.cache_iam-user_C2';
  /** Nothing outside the state; two objects the plan replaces because they are tainted. */
  const taintedPlan: PlanOf = () => ({
    format_version: '1.2',
    terraform_version: '1.11.4',
    resource_changes: [
      {
        ...change(ROLE, ['create', 'delete'], { name: 'r' }),
        action_reason: 'replace_because_tainted',
      },
      {
        ...change(USER, ['delete', 'create'], { user_id: 'u' }),
        action_reason: 'replace_because_tainted',
      },
      change(VPC, ['no-op'], { id: 'vpc-1' }),
    ],
    prior_state: { format_version: '1.0', values: { root_module: { resources: [] } } },
    configuration: configuration(['aws_vpc']),
  });
  const empty = () => {
    account();
    ec2.on(DescribeVpcsCommand).resolves({});
    ec2.on(DescribeSubnetsCommand).resolves({});
  };

  test('without the flag: listed with the flag that keeps them, nothing untainted, exit 1', async () => {
    empty();
    const r = await runRecover({}, { planOf: taintedPlan });
    expect(r.code).toBe(1);
    expect(r.text).toContain('Orphans of TapStackdev: none.');
    expect(r.text).toContain(
      `Tainted objects of TapStackdev: 2. Terraform did not finish with them`,
    );
    expect(r.text).toContain(`    ${ROLE}\n    ${USER}\n`);
    expect(r.text).toContain('npm run recover -- --stack TapStackdev --untaint');
    expect(r.terraform('untaint')).toEqual([]);
  });

  test('with the flag and "yes": terraform untaint of each, with the lock; exit 0', async () => {
    empty();
    const questions: string[] = [];
    const r = await runRecover(
      { untaint: true },
      { planOf: taintedPlan, confirm: async (q) => (questions.push(q), true) },
    );
    expect(r.code).toBe(0);
    expect(r.terraform('untaint').map((c) => c.args)).toEqual([
      ['untaint', '-no-color', '-lock-timeout=60s', ROLE],
      ['untaint', '-no-color', '-lock-timeout=60s', USER],
    ]);
    expect(questions).toEqual([
      '\nUntaint 2 object(s) of TapStackdev, keeping them in place of a replacement?\nType "yes" to untaint: ',
    ]);
    expect(r.text).toContain('Tainted objects of TapStackdev: 2, untainted');
    expect(r.terraform('apply')).toEqual([]);
  });

  test('declined: nothing untainted, exit 1', async () => {
    empty();
    const r = await runRecover(
      { untaint: true },
      { planOf: taintedPlan, confirm: async () => false },
    );
    expect(r.code).toBe(1);
    expect(r.terraform('untaint')).toEqual([]);
    expect(r.text).toContain('recover: not confirmed; nothing was untainted.');
  });

  test('refused while a dead run still holds the lock', async () => {
    empty();
    dynamo.on(GetItemCommand).resolves(item(DRILL_LOCK));
    const r = await runRecover(
      { untaint: true },
      { planOf: taintedPlan, runs: [deployRun(4522)], alive: () => false },
    );
    expect(r.code).toBe(1);
    expect(r.terraform('untaint')).toEqual([]);
    expect(r.text).toContain(
      '--untaint refused: the lock is still held. Release it first: npm run recover -- --stack TapStackdev --release-lock --untaint',
    );
  });

  test('with --yes: untainted without a question', async () => {
    empty();
    const r = await runRecover({ untaint: true }, { planOf: taintedPlan });
    expect(r.code).toBe(0);
    expect(r.terraform('untaint')).toHaveLength(2);
  });

  test('with --adopt too, while a dead run holds the lock: both flags named in the refusal', async () => {
    account();
    dynamo.on(GetItemCommand).resolves(item(DRILL_LOCK));
    const both: PlanOf = (imports, targets, how) => {
      const plan = networkPlan(imports, targets, how) as { resource_changes: object[] };
      const tainted = (taintedPlan(imports, targets, how) as { resource_changes: object[] })
        .resource_changes;
      return { ...plan, resource_changes: [...plan.resource_changes, ...tainted.slice(0, 2)] };
    };
    const r = await runRecover(
      { untaint: true, adopt: true },
      { planOf: both, runs: [deployRun(4522)], alive: () => false },
    );
    expect(r.code).toBe(1);
    expect(r.terraform('untaint')).toEqual([]);
    expect(r.terraform('apply')).toEqual([]);
    expect(r.text).toContain(
      '--adopt and --untaint refused: the lock is still held. Release it first: npm run recover -- --stack TapStackdev --release-lock --adopt --untaint',
    );
  });

  test('nothing tainted: with the flag, one line and exit 0', async () => {
    empty();
    const r = await runRecover({ untaint: true });
    expect(r.code).toBe(0);
    expect(r.text).toContain('Tainted objects of TapStackdev: none.');
    expect(r.terraform('untaint')).toEqual([]);
  });
});

describe('a tainted object the stack may not destroy (prevent_destroy): every plan fails', () => {
  const DB = 'aws_db_instance.database_instance_D7';
  const CACHE_GROUP = 'aws_elasticache_replication_group.cache_group_E1';
  const REFUSAL =
    'Error: Instance cannot be destroyed\n\n  on cdk.tf.json line 1:\nResource aws_db_instance.database_instance_D7 has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed.';
  const stateResource = (address: string, tainted: boolean) => ({
    address,
    mode: 'managed',
    type: address.split('.')[0],
    name: address.split('.')[1],
    values: { id: address },
    ...(tainted ? { tainted: true } : {}),
  });
  /**
   * As Terraform plans a production stack whose database an interrupt left tainted: a plan
   * that would replace it fails; a refresh-only plan shows the state, taint included.
   */
  const blockedPlan: PlanOf = (_imports, _targets, { refreshOnly, tainted }) => {
    if (!refreshOnly && tainted.has(DB)) return { fails: REFUSAL };
    return {
      format_version: '1.2',
      terraform_version: '1.11.4',
      resource_changes: refreshOnly ? [] : [change(VPC, ['no-op'], { id: 'vpc-1' })],
      prior_state: {
        format_version: '1.0',
        values: {
          root_module: {
            resources: [stateResource(DB, tainted.has(DB)), stateResource(VPC, false)],
            child_modules: [{ resources: [stateResource(CACHE_GROUP, tainted.has(CACHE_GROUP))] }],
          },
        },
      },
      configuration: configuration(['aws_vpc']),
    };
  };
  const empty = () => {
    account();
    ec2.on(DescribeVpcsCommand).resolves({});
    ec2.on(DescribeSubnetsCommand).resolves({});
  };
  const refreshOnlyPlans = (r: Outcome) =>
    r.terraform('plan').filter((c) => c.args.includes('-refresh-only'));

  test('without --untaint: the tainted objects read from a refresh-only plan, named with the way on; exit 1', async () => {
    empty();
    const r = await runRecover({}, { planOf: blockedPlan, tainted: [DB, CACHE_GROUP] });
    expect(r.code).toBe(1);
    expect(r.text).toContain(
      `The plan of TapStackdev stops at Terraform's "Instance cannot be destroyed": it would replace tainted objects whose lifecycle forbids destroying them (prevent_destroy). Orphans were not searched.\nTainted objects of TapStackdev: 2.`,
    );
    // Every module of the state, in its order.
    expect(r.text).toContain(`    ${DB}\n    ${CACHE_GROUP}\n`);
    expect(r.text).toContain('npm run recover -- --stack TapStackdev --untaint');
    expect(refreshOnlyPlans(r)).toHaveLength(1);
    expect(r.terraform('untaint')).toEqual([]);
    expect(r.text).not.toContain('Orphans of TapStackdev');
  });

  test('with --untaint and "yes": untainted first, then the search runs; exit 0', async () => {
    empty();
    const questions: string[] = [];
    const r = await runRecover(
      { untaint: true },
      {
        planOf: blockedPlan,
        tainted: [DB, CACHE_GROUP],
        confirm: async (q) => (questions.push(q), true),
      },
    );
    expect(r.code).toBe(0);
    expect(questions).toEqual([
      '\nUntaint 2 object(s) of TapStackdev, keeping them in place of a replacement?\nType "yes" to untaint: ',
    ]);
    expect(r.terraform('untaint').map((c) => c.args[c.args.length - 1])).toEqual([DB, CACHE_GROUP]);
    expect(r.text).toContain('Tainted objects of TapStackdev: 2, untainted');
    expect(r.text).toContain('Orphans of TapStackdev: none.');
    // The plan that failed, the refresh-only one, then the search's plan.
    expect(r.terraform('plan').map((c) => c.args.includes('-refresh-only'))).toEqual([
      false,
      true,
      false,
    ]);
  });

  test('with --untaint, declined: nothing untainted, nothing searched; exit 1', async () => {
    empty();
    const r = await runRecover(
      { untaint: true },
      { planOf: blockedPlan, tainted: [DB], confirm: async () => false },
    );
    expect(r.code).toBe(1);
    expect(r.terraform('untaint')).toEqual([]);
    expect(r.text).toContain('recover: not confirmed; nothing was untainted.');
    expect(r.text).not.toContain('Orphans of TapStackdev');
  });

  test('with --untaint while a dead run still holds the lock: refused, the refresh-only plan without the lock', async () => {
    empty();
    dynamo.on(GetItemCommand).resolves(item(DRILL_LOCK));
    const r = await runRecover(
      { untaint: true },
      { planOf: blockedPlan, tainted: [DB], runs: [deployRun(4522)], alive: () => false },
    );
    expect(r.code).toBe(1);
    expect(r.terraform('untaint')).toEqual([]);
    expect(refreshOnlyPlans(r)[0].args).toContain('-lock=false');
    expect(r.text).toContain(
      '--untaint refused: the lock is still held. Release it first: npm run recover -- --stack TapStackdev --release-lock --untaint',
    );
  });

  test('a plan failing for another reason stops recover with it, without a refresh-only plan', async () => {
    empty();
    const refreshOnly: boolean[] = [];
    const locked: PlanOf = (_imports, _targets, how) => {
      refreshOnly.push(how.refreshOnly);
      return { fails: 'Error: Error acquiring the state lock' };
    };
    await expect(runRecover({ untaint: true }, { planOf: locked, tainted: [DB] })).rejects.toThrow(
      'Error acquiring the state lock',
    );
    expect(refreshOnly).toEqual([false]);
  });

  test("the refusal with nothing tainted in the state (a change that forces a replacement) is not recover's to fix: it stops with it", async () => {
    empty();
    const replacing: PlanOf = (imports, targets, how) =>
      how.refreshOnly ? blockedPlan(imports, targets, how) : { fails: REFUSAL };
    await expect(runRecover({ untaint: true }, { planOf: replacing })).rejects.toThrow(
      'Instance cannot be destroyed',
    );
  });
});

describe('--adopt', () => {
  test('plans the imports alone (-target), shows the review with them, applies that exact plan after "yes"', async () => {
    account();
    const questions: string[] = [];
    const r = await runRecover(
      { adopt: true },
      { confirm: async (q) => (questions.push(q), true) },
    );
    expect(r.code).toBe(0);
    const plans = r.terraform('plan');
    expect(plans).toHaveLength(4);
    const adoption = plans[3];
    expect(adoption.args).toEqual([
      'plan',
      '-input=false',
      '-no-color',
      '-lock-timeout=60s',
      `-target=${VPC}`,
      `-target=${SUBNET}`,
      expect.stringMatching(/-out=.*\/plan\/tfplan$/),
    ]);
    expect(adoption.imports).toEqual([
      { to: SUBNET, id: 'subnet-1' },
      { to: VPC, id: 'vpc-1' },
    ]);
    const applies = r.terraform('apply');
    expect(applies).toHaveLength(1);
    expect(applies[0].args[applies[0].args.length - 1]).toBe(
      adoption.args[adoption.args.length - 1].slice(5),
    );
    expect(r.reviewFile).toContain('## Imports (2, npm run recover -- --adopt)');
    expect(r.reviewFile).toContain(
      `| \`${VPC}\` | \`vpc-1\` | vpc-1 (healthcare-vpc-dev, 10.40.0.0/16) | no-op |`,
    );
    expect(r.reviewFile).toContain(
      `| \`${SUBNET}\` | \`subnet-1\` | subnet-1 (healthcare-vpc-dev-isolated-eu-west-1a, 10.40.128.0/24, vpc-1) | update |`,
    );
    expect(r.text).toContain('## Imports (2, npm run recover -- --adopt)');
    expect(questions[0]).toMatch(
      /^\nApply plan sha256:[0-9a-f]{12} \(2 import\(s\); 0 create, 1 update, 0 replace, 0 delete\) to TapStackdev\?/,
    );
    expect(r.text).toContain('Adopted 2 resource(s) into the state of TapStackdev');
    expect(r.text).toContain('Next: npm run deploy -- --stack TapStackdev');
  });

  test('with --yes (no question) it applies too', async () => {
    account();
    const r = await runRecover({ adopt: true });
    expect(r.code).toBe(0);
    expect(r.terraform('apply')).toHaveLength(1);
  });

  test('declined: nothing applied, exit 1', async () => {
    account();
    const r = await runRecover({ adopt: true }, { confirm: async () => false });
    expect(r.code).toBe(1);
    expect(r.terraform('apply')).toEqual([]);
    expect(r.text).toContain('recover: not confirmed; nothing was applied.');
  });

  test('nothing to adopt: says so, no adoption plan', async () => {
    account();
    ec2.on(DescribeVpcsCommand).resolves({});
    ec2.on(DescribeSubnetsCommand).resolves({});
    const r = await runRecover({ adopt: true });
    expect(r.code).toBe(0);
    expect(r.text).toContain('Nothing to adopt.');
    expect(r.terraform('plan')).toHaveLength(1);
  });

  test('the plan guard refuses an adoption that would replace the database (production): nothing applied', async () => {
    account();
    const replaceDb: PlanOf = (imports, targets, how) => {
      const plan = networkPlan(imports, targets, how) as { resource_changes: object[] };
      if (targets.length > 0) {
        plan.resource_changes.push(
          change('aws_db_instance.database', ['delete', 'create'], {
            identifier: 'healthcare-db-dev',
          }),
        );
      }
      return plan;
    };
    const r = await runRecover({ adopt: true }, { planOf: replaceDb, profile: 'production' });
    expect(r.code).toBe(1);
    expect(r.terraform('apply')).toEqual([]);
    expect(r.text).toContain(
      'Plan guard (required in the production profile): BLOCKED, nothing was applied.',
    );
    expect(r.text).toContain(
      'recover: the plan guard refuses this adoption plan; nothing was applied.',
    );
  });

  test(`at most ${MAX_ROUNDS} rounds add imports; the last plan only reports`, async () => {
    account();
    ec2.on(DescribeAddressesCommand).resolves({
      Addresses: [1, 2, 3, 4, 5].map((n) => ({
        AllocationId: `eipalloc-${n}`,
        Tags: ec2Tags(`nat-${n}`),
      })),
    });
    // Each import reveals one more planned address (a chain of parents and children).
    const chain: PlanOf = (imports) => {
      const n = imports.size + 1;
      return {
        format_version: '1.2',
        resource_changes: [change(`aws_eip.e${n}`, ['create'], { tags: { Name: `nat-${n}` } })],
        configuration: configuration(['aws_eip']),
      };
    };
    const r = await runRecover({}, { planOf: chain });
    expect(r.terraform('plan').map((p) => p.imports!.length)).toEqual([0, 1, 2, 3]);
    expect(r.text).toContain(`(${MAX_ROUNDS + 1} round(s))`);
    expect(r.text).toContain('aws_eip.e3  ←');
    expect(r.text).not.toContain('aws_eip.e4  ←');
  });
});

describe('a held lock', () => {
  test('held by a live run on this machine: printed, never released, orphans not searched; exit 1', async () => {
    account(DRILL_LOCK);
    const r = await runRecover(
      { releaseLock: true },
      { runs: [deployRun(4522)], alive: (pid) => pid === 4522 },
    );
    expect(r.code).toBe(1);
    expect(r.text).toContain(
      'The state of TapStackdev is LOCKED:\n  operation: OperationTypeApply\n  who:       root@vm\n  since:     2026-12-07T07:53:57.545307888Z (7 min ago)',
    );
    expect(r.text).toMatch(
      /\n {2}held in: {3}the DynamoDB item \(lock [0-9a-f-]+\)\n {2}lock in: {3}eu-west-1, account 123456789012, read with the caller's own credentials/,
    );
    expect(r.text).toContain('The holder is ALIVE');
    expect(r.text).toContain('--release-lock refused: the holder still runs.');
    expect(r.text).toContain('Orphans were not searched');
    expect(r.terraform('force-unlock')).toEqual([]);
    expect(r.terraform('plan')).toEqual([]);
  });

  test('held by a dead run on this machine, without --release-lock: not released; orphans searched without the lock; exit 1', async () => {
    account(DRILL_LOCK);
    const r = await runRecover({}, { runs: [deployRun(4522)] });
    expect(r.code).toBe(1);
    expect(r.terraform('force-unlock')).toEqual([]);
    expect(r.terraform('plan')[0].args).toContain('-lock=false');
    expect(r.terraform('plan')[0].args).not.toContain('-lock-timeout=60s');
    expect(r.text).toContain(
      'It is safe to release: npm run recover -- --stack TapStackdev --release-lock',
    );
    expect(r.text).toContain(`${VPC}`);
  });

  test('…and --adopt is refused until the lock is released', async () => {
    account(DRILL_LOCK);
    const r = await runRecover({ adopt: true }, { runs: [deployRun(4522)] });
    expect(r.code).toBe(1);
    expect(r.text).toContain(
      '--adopt refused: the lock is still held. Release it first: npm run recover -- --stack TapStackdev --release-lock --adopt',
    );
    expect(r.terraform('apply')).toEqual([]);
  });

  test('held by a dead run on this machine, with --release-lock: force-unlock with its ID, then the search with the lock', async () => {
    account(DRILL_LOCK);
    dynamo.on(GetItemCommand).resolvesOnce(item(DRILL_LOCK)).resolves({});
    const r = await runRecover({ releaseLock: true }, { runs: [deployRun(4522)] });
    expect(r.terraform('force-unlock').map((c) => c.args)).toEqual([
      ['force-unlock', '-force', '-no-color', DRILL_LOCK.ID],
    ]);
    expect(r.text).toContain('The state is unlocked.');
    expect(r.terraform('plan')[0].args).toContain('-lock-timeout=60s');
    expect(dynamo.commandCalls(DeleteItemCommand)).toHaveLength(0);
    expect(r.code).toBe(1); // the orphans are still there
  });

  test('held from another host: never released, even with --release-lock; exit 1', async () => {
    account({ ...DRILL_LOCK, Who: 'runner@ci-7' });
    const r = await runRecover({ releaseLock: true, adopt: true });
    expect(r.code).toBe(1);
    expect(r.text).toContain('The holder runs on another machine');
    expect(r.text).toContain('Ask runner on ci-7');
    expect(r.terraform('force-unlock')).toEqual([]);
    expect(r.terraform('plan')).toEqual([]);
  });

  test('a release that leaves the lock held: exit 1, orphans not searched', async () => {
    account(DRILL_LOCK);
    dynamo.on(DeleteItemCommand).resolves({});
    const r = await runRecover({ releaseLock: true });
    expect(r.code).toBe(1);
    expect(r.text).toContain(`Lock ${DRILL_LOCK.ID} is still held: release it by hand.`);
    expect(r.terraform('plan')).toEqual([]);
  });
});

test('the bootstrap keeps its state locally: no lock to release, orphans still searched', async () => {
  account();
  const bucketPlan: PlanOf = () => ({
    format_version: '1.2',
    resource_changes: [],
    configuration: configuration([]),
  });
  const r = await runRecover(
    { releaseLock: true },
    {
      planOf: bucketPlan,
      backend: { local: { path: '/repo/terraform.TapStateBackend.tfstate' } },
      stackId: STACK,
    },
  );
  expect(r.code).toBe(0);
  expect(r.text).toContain(
    'State of TapStackdev is local (/repo/terraform.TapStateBackend.tfstate): Terraform locks it with the operating system, which releases the lock when the process ends. No lock to release.',
  );
  expect(dynamo.commandCalls(GetItemCommand)).toHaveLength(0);
  expect(r.terraform('plan')).toHaveLength(1);
});

test('a local backend without a path names terraform.tfstate', async () => {
  account();
  const r = await runRecover(
    {},
    { planOf: () => ({ format_version: '1.2' }), backend: { local: {} } },
  );
  expect(r.text).toContain('State of TapStackdev is local (terraform.tfstate)');
  expect(r.code).toBe(0);
});

test('importsSection: each import with what the plan then does; a replace is flagged', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recover-section-'));
  const file = path.join(dir, 'plan.json');
  const rc = (address: string, actions: string[]) => ({
    address,
    mode: 'managed',
    type: address.split('.')[0],
    name: 'x',
    provider_name: 'aws',
    change: { actions, before: {}, after: {} },
  });
  fs.writeFileSync(
    file,
    JSON.stringify({
      format_version: '1.2',
      resource_changes: [
        rc('aws_db_instance.db', ['delete', 'create']),
        rc('aws_vpc.v', ['no-op']),
      ],
    }),
  );
  const existing = (label: string) => ({
    type: 't',
    region: 'r',
    importId: 'i',
    key: 'k',
    ids: [],
    label,
    deleteCommand: 'd',
  });
  const section = importsSection(file, [
    { address: 'aws_db_instance.db', importId: 'healthcare-db-dev', existing: existing('db') },
    { address: 'aws_vpc.v', importId: 'vpc-1', existing: existing('vpc') },
    { address: 'aws_eip.e', importId: 'eipalloc-1', existing: existing('eip') },
  ]);
  expect(section.split('\n').slice(-5)).toEqual([
    '| --- | --- | --- | --- |',
    '| `aws_db_instance.db` | `healthcare-db-dev` | db | replace ⚠️ destroys the adopted resource |',
    '| `aws_vpc.v` | `vpc-1` | vpc | no-op |',
    '| `aws_eip.e` | `eipalloc-1` | eip | not in the plan |',
    '',
  ]);
  fs.writeFileSync(file, JSON.stringify({ format_version: '1.2' }));
  expect(
    importsSection(file, [{ address: 'aws_vpc.v', importId: 'vpc-1', existing: existing('vpc') }]),
  ).toContain('| `aws_vpc.v` | `vpc-1` | vpc | not in the plan |');
  fs.rmSync(dir, { recursive: true, force: true });
});
