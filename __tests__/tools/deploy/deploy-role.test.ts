/**
 * plan / deploy with a deploy role: the preflight step asks the account the stack deploys
 * into, through the role its provider assumes (the environment's DEPLOY_ROLE_ARN, the
 * baseline's BASELINE_DEPLOY_ROLE_ARN; the bootstrap keeps the caller's credentials), on AWS
 * and on the emulator.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeployRole } from '../../../config/deploy-role';
import type { TerraformSetup } from '../../../tools/core/terraform';
import {
  createRunFolder,
  emulatorPreflightClients,
  preflightStack,
  selectStack,
  startTarget,
  StackSelection,
} from '../../../tools/deploy';
import { DeployRoleRefused, PreflightClients } from '../../../tools/preflight';
import {
  mockAssumeRole,
  NestedAssumeRoleCommand,
  roleCredentials,
  stsError,
} from '../../support/assume-role';

const TOOLING = '123456789012';
const DEV = '111111111111';
const DEV_ROLE = 'arn:aws:iam::111111111111:role/deploy';
const BASELINE_ROLE = 'arn:aws:iam::111111111111:role/baseline-deploy';
const ROLE_KEY = 'ASIADEVROLE';

const assumeRole = mockAssumeRole();
beforeEach(() => assumeRole.reset());

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-role-'));
const fakeTerraform = (dir: string): TerraformSetup => ({
  source: { kind: 'mirror', root: '/mirror', providers: [] },
  mirrorRoot: '/mirror',
  providerVersions: ['5.100.0'],
  providers: [],
  cliConfigFile: path.join(dir, 'terraformrc'),
  env: { TF_CLI_CONFIG_FILE: path.join(dir, 'terraformrc') },
});
const devRole: DeployRole = {
  roleArn: DEV_ROLE,
  accountId: DEV,
  sessionName: 'healthcare-dev-deploy',
  externalId: 'dev-2026',
};
type WithCredentials = { config: { credentials: () => Promise<{ accessKeyId: string }> } };
const keyOf = async (client: unknown) =>
  (await (client as WithCredentials).config.credentials()).accessKeyId;

describe('Target.preflightClients(region, role)', () => {
  it('AWS: the clients act as the role, assumed once through STS of the asked region', async () => {
    const regions: string[] = [];
    assumeRole.on(NestedAssumeRoleCommand).callsFake(async (_input, getClient) => {
      regions.push(await getClient().config.region());
      return { Credentials: roleCredentials(ROLE_KEY) };
    });
    const run = createRunFolder({
      command: 'plan',
      stack: 'TapStackdev',
      emulator: false,
      root: tmp(),
    });
    const target = await startTarget({
      emulator: false,
      region: 'eu-west-1',
      run,
      baseEnv: {},
      deps: { prepareTerraform: fakeTerraform },
    });
    const asRole = target.preflightClients('eu-west-2', devRole);
    expect(await keyOf(asRole.rds)).toBe(ROLE_KEY);
    expect(await asRole.sts.config.region()).toBe('eu-west-2');
    expect(regions).toEqual(['eu-west-2']);
    expect(assumeRole.commandCalls(NestedAssumeRoleCommand)[0].args[0].input).toEqual({
      RoleArn: DEV_ROLE,
      RoleSessionName: 'healthcare-dev-deploy',
      ExternalId: 'dev-2026',
    });
    expect(assumeRole.calls()).toHaveLength(1);
  });

  it('emulator: the role is assumed through the emulator’s STS with the emulator’s credentials', async () => {
    const seen: string[][] = [];
    assumeRole.on(NestedAssumeRoleCommand).callsFake(async (_input, getClient) => {
      const client = getClient();
      const endpoint = await client.config.endpoint!();
      seen.push([
        `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`,
        (await client.config.credentials()).accessKeyId,
        await client.config.region(),
      ]);
      return { Credentials: roleCredentials(ROLE_KEY) };
    });
    const clients = emulatorPreflightClients('eu-west-1', 'http://127.0.0.1:5999', devRole);
    expect(await keyOf(clients.ec2)).toBe(ROLE_KEY);
    expect(await keyOf(clients.apigateway)).toBe(ROLE_KEY);
    const endpoint = await clients.rds.config.endpoint!();
    expect(`${endpoint.hostname}:${endpoint.port}`).toBe('127.0.0.1:5999');
    expect(seen).toEqual([['http://127.0.0.1:5999', 'testing', 'eu-west-1']]);

    const plain = emulatorPreflightClients('eu-west-1', 'http://127.0.0.1:5999');
    expect(await keyOf(plain.ec2)).toBe('testing');
    expect(assumeRole.calls()).toHaveLength(1);
  });
});

describe('preflightStack asks through the selection’s role', () => {
  const http500 = stsError('Error', 'not implemented', 500);
  /** AWS as a fake: who the clients are depends on the role they were built with. */
  function fakeClients(refuse = false) {
    const built: [string, DeployRole | undefined][] = [];
    const clientsFor = (region: string, role?: DeployRole): PreflightClients => {
      built.push([region, role]);
      const config = { region: async () => region };
      const failing = { config, send: async () => Promise.reject(http500) };
      const account = role?.accountId ?? TOOLING;
      return {
        sts: {
          config,
          send: async () =>
            refuse && role
              ? Promise.reject(
                  new DeployRoleRefused(
                    role,
                    stsError(
                      'AccessDenied',
                      `User: arn:aws:iam::${TOOLING}:user/operator is not authorized to perform: sts:AssumeRole on resource: ${role.roleArn}`,
                      403,
                    ),
                  ),
                )
              : { Account: account, Arn: `arn:aws:sts::${account}:assumed-role/x/y` },
        },
        rds: failing,
        elasticache: failing,
        ec2: failing,
        apigateway: failing,
      } as unknown as PreflightClients;
    };
    return { built, clientsFor };
  }
  const select = (env: Record<string, string>, stack?: string): StackSelection =>
    selectStack('plan', { STATE_BUCKET: 'my-org-tfstate', ...env }, {}, stack);

  it('an environment: its DEPLOY_ROLE_ARN, and the account STS answers through it', async () => {
    const { built, clientsFor } = fakeClients();
    const selection = select({
      ENVIRONMENT_SUFFIX: 'dev',
      DEPLOY_ROLE_ARN: `dev=${DEV_ROLE}`,
      DEPLOY_EXTERNAL_ID: 'dev=dev-2026',
    });
    const { accountId } = await preflightStack(selection, clientsFor, false);
    expect(built).toEqual([['eu-west-1', devRole]]);
    expect(accountId).toBe(DEV);
  });

  it('the baseline: BASELINE_DEPLOY_ROLE_ARN; the bootstrap: the caller’s own credentials', async () => {
    const env = {
      BASELINE_DEPLOY_ROLE_ARN: BASELINE_ROLE,
      DEPLOY_ROLE_ARN: DEV_ROLE,
    };
    const baseline = fakeClients();
    const b = await preflightStack(select(env, 'TapAccountBaseline'), baseline.clientsFor, false);
    expect(baseline.built).toEqual([
      [
        'eu-west-1',
        { roleArn: BASELINE_ROLE, accountId: DEV, sessionName: 'healthcare-account-deploy' },
      ],
    ]);
    expect(b.accountId).toBe(DEV);

    const bootstrap = fakeClients();
    const s = await preflightStack(select(env, 'TapStateBackend'), bootstrap.clientsFor, false);
    expect(bootstrap.built).toEqual([['eu-west-1', undefined]]);
    expect(s.accountId).toBe(TOOLING);
  });

  it('a refused baseline role: the one row names BASELINE_DEPLOY_ROLE_ARN and fails the step', async () => {
    const { clientsFor } = fakeClients(true);
    const { outcome, accountId } = await preflightStack(
      select({ BASELINE_DEPLOY_ROLE_ARN: BASELINE_ROLE }, 'TapAccountBaseline'),
      clientsFor,
      false,
    );
    expect(accountId).toBeUndefined();
    expect(outcome.passed).toBe(false);
    expect(outcome.counts).toEqual({ pass: 0, fail: 1, notVerified: 0 });
    expect(outcome.text.split('\n')[0]).toBe(
      `TapAccountBaseline (eu-west-1): FAIL credentials and region: could not assume BASELINE_DEPLOY_ROLE_ARN ${BASELINE_ROLE} (session healthcare-account-deploy) in eu-west-1: AccessDenied, HTTP 403: User: arn:aws:iam::${TOOLING}:user/operator is not authorized to perform: sts:AssumeRole on resource: ${BASELINE_ROLE}`,
    );
    expect(outcome.text).toContain(`fix: the trust policy of ${BASELINE_ROLE} (in account ${DEV})`);
  });
});
