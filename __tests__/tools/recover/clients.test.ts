/**
 * recover's SDK clients: the state lock's with the caller's own credentials (as Terraform's
 * S3 backend), the finders' as the stack's deploy role when it has one (as its provider).
 * Which keys a client signs with is read from the client, as AWS would see them.
 */
import type { DeployRole } from '../../../config/deploy-role';
import {
  createFinderClients,
  createRecoverClients,
  createStateClients,
  RECOVER_MAX_ATTEMPTS,
} from '../../../tools/recover/clients';
import { DeployRoleRefused } from '../../../tools/preflight';
import {
  mockAssumeRole,
  NestedAssumeRoleCommand,
  roleCredentials,
  stsError,
} from '../../support/assume-role';

const OPERATOR_KEY = 'AKIAOPERATOR';
const ROLE_KEY = 'ASIAENVROLE';
const ROLE: DeployRole = {
  roleArn: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole',
  accountId: '222222222222',
  sessionName: 'healthcare-prod-deploy',
  externalId: 'tooling-2026',
};
const FINDER_CLIENTS = [
  'apigateway',
  'backup',
  'dynamodb',
  'ec2',
  'elasticache',
  'iam',
  'kms',
  'lambda',
  'logs',
  'rds',
  's3',
  'sns',
  'sqs',
  'sts',
  'wafv2',
];

type Client = {
  config: {
    credentials: () => Promise<{ accessKeyId: string }>;
    region: () => Promise<string>;
    maxAttempts: () => Promise<number>;
    forcePathStyle?: boolean;
  };
};
const keyOf = async (client: unknown) =>
  (await (client as Client).config.credentials()).accessKeyId;
const keysOf = (clients: object) =>
  Promise.all(Object.values(clients).map((c: unknown) => keyOf(c)));

const assumeRole = mockAssumeRole();
const ENV_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE'] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
beforeAll(() => {
  process.env.AWS_ACCESS_KEY_ID = OPERATOR_KEY;
  process.env.AWS_SECRET_ACCESS_KEY = 'operator-secret';
  delete process.env.AWS_PROFILE;
});
afterAll(() => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});
beforeEach(() => assumeRole.reset());

test('createRecoverClients: the state lock’s clients and the finders’, every one in the region', async () => {
  const clients = createRecoverClients('eu-central-1', { s3PathStyle: true });
  expect(Object.keys(clients.state).sort()).toEqual(['dynamodb', 's3', 'sts']);
  expect(Object.keys(clients.finders).sort()).toEqual(FINDER_CLIENTS);
  const all = [...Object.values(clients.state), ...Object.values(clients.finders)] as Client[];
  expect(new Set(await Promise.all(all.map((c) => c.config.region())))).toEqual(
    new Set(['eu-central-1']),
  );
  expect(new Set(await Promise.all(all.map((c) => c.config.maxAttempts())))).toEqual(
    new Set([RECOVER_MAX_ATTEMPTS]),
  );
  expect(RECOVER_MAX_ATTEMPTS).toBe(3);
  // Path-style S3 (an emulator's STATE_USE_PATH_STYLE) for both S3 clients, only when asked.
  expect((clients.state.s3 as unknown as Client).config.forcePathStyle).toBe(true);
  expect((clients.finders.s3 as unknown as Client).config.forcePathStyle).toBe(true);
  const plain = createRecoverClients('eu-west-1');
  expect((plain.state.s3 as unknown as Client).config.forcePathStyle).toBe(false);
  expect((plain.finders.s3 as unknown as Client).config.forcePathStyle).toBe(false);
  expect((createStateClients('eu-west-1').s3 as unknown as Client).config.forcePathStyle).toBe(
    false,
  );
});

test('without a role every client signs with the caller’s own keys and nothing is assumed', async () => {
  const clients = createRecoverClients('eu-west-1');
  expect(await keysOf(clients.state)).toEqual(Array(3).fill(OPERATOR_KEY));
  expect(await keysOf(clients.finders)).toEqual(Array(15).fill(OPERATOR_KEY));
  expect(await keyOf(createFinderClients('eu-west-1').ec2)).toBe(OPERATOR_KEY);
  expect(assumeRole.calls()).toHaveLength(0);
});

test('with a role the finders sign with its keys, assumed once as the provider assumes it; the lock’s clients keep the caller’s', async () => {
  const regions: string[] = [];
  assumeRole.on(NestedAssumeRoleCommand).callsFake(async (_input, getClient) => {
    regions.push(await getClient().config.region());
    return { Credentials: roleCredentials(ROLE_KEY) };
  });
  const clients = createRecoverClients('eu-west-2', { role: ROLE });
  expect(await keysOf(clients.finders)).toEqual(Array(15).fill(ROLE_KEY));
  expect(await keysOf(clients.state)).toEqual(Array(3).fill(OPERATOR_KEY));
  expect(assumeRole.commandCalls(NestedAssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
    {
      RoleArn: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole',
      RoleSessionName: 'healthcare-prod-deploy',
      ExternalId: 'tooling-2026',
    },
  ]);
  // Through STS of the finders' region.
  expect(regions).toEqual(['eu-west-2']);
});

test('a role without an external id sends none', async () => {
  assumeRole.on(NestedAssumeRoleCommand).resolves({ Credentials: roleCredentials(ROLE_KEY) });
  const noExternalId: DeployRole = {
    roleArn: ROLE.roleArn,
    accountId: ROLE.accountId,
    sessionName: ROLE.sessionName,
  };
  await keyOf(createFinderClients('eu-west-1', { role: noExternalId }).ec2);
  expect(assumeRole.commandCalls(NestedAssumeRoleCommand)[0].args[0].input).toEqual({
    RoleArn: ROLE.roleArn,
    RoleSessionName: 'healthcare-prod-deploy',
  });
});

test('a refused AssumeRole reaches every finder call as DeployRoleRefused with AWS’s answer', async () => {
  const denied = stsError('AccessDenied', 'not authorized to perform: sts:AssumeRole', 403);
  assumeRole.on(NestedAssumeRoleCommand).rejects(denied);
  const error = await keyOf(createFinderClients('eu-west-1', { role: ROLE }).rds).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeployRoleRefused);
  expect((error as DeployRoleRefused).cause).toBe(denied);
  expect((error as DeployRoleRefused).role).toBe(ROLE);
});
