import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { DeployRole } from '../../../config/deploy-role';
import type { Runner } from '../../../tools/core';
import { PhaseTimer } from '../../../tools/core/phases';
import type { RunResult } from '../../../tools/core/process';
import type { TerraformSetup } from '../../../tools/core/terraform';
import {
  checkDrift,
  createRunFolder,
  deployRoleOf,
  describeCheck,
  selectStack,
  startTarget,
  Target,
} from '../../../tools/deploy';
import {
  mockAssumeRole,
  NestedAssumeRoleCommand,
  roleCredentials,
} from '../../support/assume-role';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'plans');
const ok = (stdout = ''): RunResult => ({ code: 0, stdout, stderr: '', durationMs: 1 });

/** A tiny app and Terraform: `show -json` answers `planJson`. */
function runnerFor(planJson: string): { runner: Runner; calls: string[][] } {
  const calls: string[][] = [];
  const runner: Runner = async (cmd, args, options = {}) => {
    calls.push([cmd, ...args]);
    if (cmd === 'sh') {
      const outdir = options.env!.CDKTF_OUTDIR;
      fs.mkdirSync(path.join(outdir, 'stacks', 'TapStackdev'), { recursive: true });
      fs.writeFileSync(path.join(outdir, 'stacks', 'TapStackdev', 'cdk.tf.json'), '{}');
      fs.writeFileSync(
        path.join(outdir, 'manifest.json'),
        JSON.stringify({ stacks: { TapStackdev: { workingDirectory: 'stacks/TapStackdev' } } }),
      );
    }
    if (args[0] === 'show') return ok(planJson);
    return ok();
  };
  return { runner, calls };
}

function target(env: Record<string, string> = {}): Target {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-check-'));
  const run = createRunFolder({ command: 'drift', stack: 'TapStackdev', emulator: false, root });
  return {
    kind: 'aws',
    run,
    env,
    region: 'eu-west-1',
    workDir: run.dir,
    outdir: run.outdir,
    logDir: run.logDir,
    terraform: {} as Target['terraform'],
    prepare: async () => 'ready',
    preflightClients: () => {
      throw new Error('drift runs no preflight');
    },
    stop: async () => undefined,
    died: () => undefined,
  };
}

const selection = selectStack('drift', { ENVIRONMENT_SUFFIX: 'dev' });
const silent = () => new PhaseTimer({ write: () => undefined });

describe('npm run drift', () => {
  it('plans refresh-only, reports each drifted resource and exits 2', async () => {
    const plan = fs.readFileSync(path.join(FIXTURES, 'drift-refresh-only.json'), 'utf8');
    const { runner, calls } = runnerFor(plan);
    const t = target();
    const out = path.join(t.run.dir, 'report.md');
    const printed: string[] = [];
    const code = await checkDrift({
      timer: silent(),
      target: t,
      selection,
      out,
      runner,
      write: (text) => printed.push(text),
    });
    expect(code).toBe(2);
    const planCall = calls.find((c) => c[1] === 'plan')!;
    expect(planCall).toContain('-refresh-only');
    expect(planCall).toContain(`-out=${path.join(t.run.planDir, 'drift.tfplan')}`);
    const report = fs.readFileSync(out, 'utf8');
    expect(printed.join('')).toContain(report);
    expect(report).toMatch(/^## Drift: TapStackdev \(environment `dev`\)/m);
  });

  it('exits 0 when nothing changed outside Terraform, and writes the report in the run folder', async () => {
    const plan = fs.readFileSync(path.join(FIXTURES, 'drift-clean.json'), 'utf8');
    const { runner } = runnerFor(plan);
    const t = target();
    expect(
      await checkDrift({ timer: silent(), target: t, selection, runner, write: () => {} }),
    ).toBe(0);
    expect(fs.existsSync(path.join(t.run.planDir, 'drift.md'))).toBe(true);
  });
});

/** A refresh-only plan of nothing drifted, whose state holds one group and its managed rule. */
const SG_PLAN = JSON.stringify({
  format_version: '1.2',
  terraform_version: '1.11.4',
  timestamp: '2026-12-07T05:17:00Z',
  prior_state: {
    values: {
      root_module: {
        resources: [
          {
            address: 'aws_security_group.database_security-group_BF0DE645',
            mode: 'managed',
            type: 'aws_security_group',
            values: { id: 'sg-0db', name: 'healthcare-db-dev' },
          },
          {
            address:
              'aws_vpc_security_group_ingress_rule.database_ingress-from-application_619808BB',
            mode: 'managed',
            type: 'aws_vpc_security_group_ingress_rule',
            values: { id: 'sgr-0managed', security_group_rule_id: 'sgr-0managed' },
          },
        ],
      },
    },
  },
  applyable: false,
  complete: true,
  errored: false,
});

/** EC2's XML answer (query protocol, as AWS and moto write it) listing these rules. */
function rulesXml(rules: readonly { id: string; cidr?: string }[]): string {
  const items = rules
    .map(
      (r) =>
        `<item><securityGroupRuleId>${r.id}</securityGroupRuleId><groupId>sg-0db</groupId><isEgress>false</isEgress><ipProtocol>tcp</ipProtocol><fromPort>5432</fromPort><toPort>5432</toPort>${r.cidr ? `<cidrIpv4>${r.cidr}</cidrIpv4>` : '<referencedGroupInfo><groupId>sg-0app</groupId></referencedGroupInfo>'}</item>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><DescribeSecurityGroupRulesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId><securityGroupRuleSet>${items}</securityGroupRuleSet></DescribeSecurityGroupRulesResponse>`;
}

interface SentRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
}

describe('npm run drift: security group rules outside Terraform', () => {
  const assumeRole = mockAssumeRole();
  beforeEach(() => assumeRole.reset());

  const withRole = selectStack('drift', {
    ENVIRONMENT_SUFFIX: 'dev',
    DEPLOY_ROLE_ARN: 'arn:aws:iam::111111111111:role/deploy',
    DEPLOY_EXTERNAL_ID: 'dev-2026',
  });

  /** An AWS target whose EC2 client (built by the target, as for preflight) answers `xml`. */
  async function awsTarget(xml: string) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-sg-'));
    const run = createRunFolder({ command: 'drift', stack: 'TapStackdev', emulator: false, root });
    const fakeTerraform = (dir: string): TerraformSetup => ({
      source: { kind: 'mirror', root: '/mirror', providers: [] },
      mirrorRoot: '/mirror',
      providerVersions: ['5.100.0'],
      providers: [],
      cliConfigFile: path.join(dir, 'terraformrc'),
      env: {},
    });
    const real = await startTarget({
      emulator: false,
      region: 'eu-west-1',
      run,
      baseEnv: {},
      deps: { prepareTerraform: fakeTerraform },
    });
    const sent: SentRequest[] = [];
    const built: [string, DeployRole | undefined][] = [];
    const target: Target = {
      ...real,
      preflightClients: (region, role) => {
        built.push([region, role]);
        const clients = real.preflightClients(region, role);
        // The wire, after signing: what AWS would receive.
        clients.ec2.config.requestHandler = {
          handle: async (request: { headers: Record<string, string>; body: string }) => {
            sent.push({ headers: request.headers, body: String(request.body) });
            return {
              response: { statusCode: 200, headers: {}, body: Readable.from([Buffer.from(xml)]) },
            };
          },
        } as unknown as typeof clients.ec2.config.requestHandler;
        return clients;
      },
    };
    return { target, sent, built };
  }

  it("with a deploy role, DescribeSecurityGroupRules is signed with the role's credentials", async () => {
    assumeRole
      .on(NestedAssumeRoleCommand)
      .resolves({ Credentials: roleCredentials('ASIADEVROLE') });
    const { target, sent, built } = await awsTarget(
      rulesXml([{ id: 'sgr-0managed' }, { id: 'sgr-0open', cidr: '0.0.0.0/0' }]),
    );
    const printed: string[] = [];
    const code = await checkDrift({
      timer: silent(),
      target,
      selection: withRole,
      runner: runnerFor(SG_PLAN).runner,
      write: (text) => printed.push(text),
    });
    expect(code).toBe(2);
    expect(built).toEqual([['eu-west-1', deployRoleOf(withRole)]]);
    expect(assumeRole.commandCalls(NestedAssumeRoleCommand)[0].args[0].input).toEqual({
      RoleArn: 'arn:aws:iam::111111111111:role/deploy',
      RoleSessionName: 'healthcare-dev-deploy',
      ExternalId: 'dev-2026',
    });
    expect(sent).toHaveLength(1);
    expect(sent[0].headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIADEVROLE\/\d{8}\/eu-west-1\/ec2\/aws4_request, /,
    );
    expect(sent[0].headers['x-amz-security-token']).toBe('ASIADEVROLE-token');
    expect(new URLSearchParams(sent[0].body).get('Action')).toBe('DescribeSecurityGroupRules');
    expect(new URLSearchParams(sent[0].body).get('Filter.1.Value.1')).toBe('sg-0db');
    expect(printed.join('')).toContain(
      '| `healthcare-db-dev` (`sg-0db`) | ingress | tcp 5432 | `0.0.0.0/0 (any IPv4 address)` | `sgr-0open` |  |',
    );
    expect(printed.join('')).toContain(
      '`aws ec2 revoke-security-group-ingress --region eu-west-1 --group-id sg-0db --security-group-rule-ids sgr-0open`, or add it to the stack.',
    );
  });

  it('managed rules only: exit 0, and the report names the groups checked', async () => {
    assumeRole
      .on(NestedAssumeRoleCommand)
      .resolves({ Credentials: roleCredentials('ASIADEVROLE') });
    const { target } = await awsTarget(rulesXml([{ id: 'sgr-0managed' }]));
    const out = path.join(target.run.dir, 'drift.md');
    const code = await checkDrift({
      timer: silent(),
      target,
      selection: withRole,
      out,
      runner: runnerFor(SG_PLAN).runner,
      write: () => undefined,
    });
    expect(code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toContain(
      '**Clean**: every resource matches the Terraform state, and Terraform manages every rule of its 1 security group.',
    );
  });

  it('a refused deploy role: the rules are not checked, exit 1, and the report says why', async () => {
    assumeRole.on(NestedAssumeRoleCommand).rejects(
      Object.assign(
        new Error(
          'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole',
        ),
        {
          name: 'AccessDenied',
          $metadata: { httpStatusCode: 403 },
        },
      ),
    );
    const { target, sent } = await awsTarget(rulesXml([]));
    const printed: string[] = [];
    const timer = silent();
    const code = await checkDrift({
      timer,
      target,
      selection: withRole,
      runner: runnerFor(SG_PLAN).runner,
      write: (text) => printed.push(text),
    });
    expect(code).toBe(1);
    expect(sent).toEqual([]);
    expect(printed.join('')).toContain(
      'could not be listed: the deploy role could not be assumed: could not assume arn:aws:iam::111111111111:role/deploy: AccessDenied, HTTP 403: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole.',
    );
  });

  it("without a deploy role: the caller's credentials, and EC2's refusal (its error XML) is reported, exit 1", async () => {
    const t = target();
    const refusal =
      '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation. User: arn:aws:sts::111111111111:assumed-role/healthcare-ci-plan-dev/drift is not authorized to perform: ec2:DescribeSecurityGroupRules because no identity-based policy allows the ec2:DescribeSecurityGroupRules action</Message></Error></Errors><RequestID>r-1</RequestID></Response>';
    const built: [string, DeployRole | undefined][] = [];
    const ec2 = new EC2Client({
      region: 'eu-west-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIACALLER', secretAccessKey: 'x' },
      requestHandler: {
        handle: async () => ({
          response: { statusCode: 403, headers: {}, body: Readable.from([Buffer.from(refusal)]) },
        }),
      } as unknown as EC2Client['config']['requestHandler'],
    });
    const printed: string[] = [];
    const code = await checkDrift({
      timer: silent(),
      target: {
        ...t,
        preflightClients: (region, role) => {
          built.push([region, role]);
          return { ec2 } as unknown as ReturnType<Target['preflightClients']>;
        },
      },
      selection,
      runner: runnerFor(SG_PLAN).runner,
      write: (text) => printed.push(text),
    });
    expect(code).toBe(1);
    expect(built).toEqual([['eu-west-1', undefined]]);
    const report = printed.join('');
    expect(report).toContain(
      '**Not verified**: every resource matches the Terraform state, but the security group rules could not be checked (see below): this is not a clean report.',
    );
    expect(report).toContain(
      'could not be listed: EC2 DescribeSecurityGroupRules was refused to the credentials as given: UnauthorizedOperation (HTTP 403): You are not authorized to perform this operation. User: arn:aws:sts::111111111111:assumed-role/healthcare-ci-plan-dev/drift is not authorized to perform: ec2:DescribeSecurityGroupRules because no identity-based policy allows the ec2:DescribeSecurityGroupRules action.',
    );
    expect(report).toContain(
      'Fix: allow `ec2:DescribeSecurityGroupRules` (resource `*`: the action has no resource-level permissions) to the credentials as given;',
    );
  });

  it('the stack kinds: the environment and the baseline act as their deploy role, the bootstrap as the caller', () => {
    const env = {
      DEPLOY_ROLE_ARN: 'arn:aws:iam::111111111111:role/deploy',
      BASELINE_DEPLOY_ROLE_ARN: 'arn:aws:iam::222222222222:role/baseline-deploy',
    };
    expect(deployRoleOf(selectStack('drift', { ...env, ENVIRONMENT_SUFFIX: 'dev' }))?.roleArn).toBe(
      'arn:aws:iam::111111111111:role/deploy',
    );
    expect(deployRoleOf(selectStack('drift', env, {}, 'TapAccountBaseline'))).toEqual({
      roleArn: 'arn:aws:iam::222222222222:role/baseline-deploy',
      accountId: '222222222222',
      sessionName: 'healthcare-account-deploy',
    });
    expect(deployRoleOf(selectStack('drift', env, {}, 'TapStateBackend'))).toBeUndefined();
  });

  it('the phase note says what the check found', () => {
    expect(describeCheck({ status: 'no-groups' })).toBe('no security group in the state');
    expect(describeCheck({ status: 'not-checked', groups: [], reason: 'refused', fix: 'x' })).toBe(
      'NOT CHECKED: refused',
    );
    expect(
      describeCheck({ status: 'checked', groups: [], ruleCount: 4, unmanaged: [], explained: [] }),
    ).toBe('4 rule(s) of 0 group(s), 0 outside Terraform');
  });
});
