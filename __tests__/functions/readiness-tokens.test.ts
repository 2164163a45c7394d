import {
  credentialsFromEnv,
  elastiCacheTokenProvider,
  ELASTICACHE_TOKEN_EXPIRES_SECONDS,
  rdsTokenProvider,
} from '../../functions/readiness/tokens';

const credentials = async () => ({
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session/token+value',
});

describe('elastiCacheTokenProvider', () => {
  test('is a presigned connect request for the replication group, without a scheme', async () => {
    const token = await elastiCacheTokenProvider({
      replicationGroupId: 'healthcare-redis-prod',
      userId: 'healthcare-readiness-prod',
      region: 'eu-west-1',
      credentials,
      signingDate: () => new Date('2026-12-01T04:00:00Z'),
    })();
    expect(token.startsWith('healthcare-redis-prod/?')).toBe(true);
    expect(token).not.toMatch(/^https?:/);
    const query = new URLSearchParams(token.split('?')[1]);
    expect(Object.fromEntries(query)).toEqual({
      Action: 'connect',
      User: 'healthcare-readiness-prod',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20261201/eu-west-1/elasticache/aws4_request',
      'X-Amz-Date': '20261201T040000Z',
      'X-Amz-Expires': String(ELASTICACHE_TOKEN_EXPIRES_SECONDS),
      'X-Amz-Security-Token': 'session/token+value',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(ELASTICACHE_TOKEN_EXPIRES_SECONDS).toBe(900);
    // RFC 3986 encoding: '/' and '+' in values are escaped.
    expect(token).toContain('X-Amz-Security-Token=session%2Ftoken%2Bvalue');
  });

  test('is stable for a fixed time and changes with the user', async () => {
    const make = (userId: string) =>
      elastiCacheTokenProvider({
        replicationGroupId: 'g',
        userId,
        region: 'eu-west-1',
        credentials,
        signingDate: () => new Date('2026-12-01T04:00:00Z'),
      })();
    expect(await make('a')).toBe(await make('a'));
    expect(await make('a')).not.toBe(await make('b'));
  });
});

test("rdsTokenProvider: AWS's signer, a connect request for host:port and user", async () => {
  const token = await rdsTokenProvider({
    hostname: 'db.example.internal',
    port: 5432,
    username: 'readiness',
    region: 'eu-west-1',
    credentials,
  })();
  expect(token).toMatch(
    /^db\.example\.internal:5432\/\?Action=connect&DBUser=readiness&X-Amz-Algorithm=AWS4-HMAC-SHA256&/,
  );
  expect(token).toContain('%2Feu-west-1%2Frds-db%2Faws4_request');
});

describe('credentialsFromEnv', () => {
  test('reads the execution role credentials the runtime sets', () => {
    expect(
      credentialsFromEnv({
        AWS_ACCESS_KEY_ID: 'a',
        AWS_SECRET_ACCESS_KEY: 'b',
        AWS_SESSION_TOKEN: 'c',
      }),
    ).toEqual({ accessKeyId: 'a', secretAccessKey: 'b', sessionToken: 'c' });
    expect(
      credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }).sessionToken,
    ).toBeUndefined();
  });

  test('throws when they are missing', () => {
    expect(() => credentialsFromEnv({})).toThrow(
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set',
    );
  });
});
