/**
 * The STS client `fromTemporaryCredentials` builds for itself, for aws-sdk-client-mock.
 *
 * `@aws-sdk/credential-providers` does not use `@aws-sdk/client-sts`: it builds a
 * `STSClient` of `@aws-sdk/nested-clients/sts`, another class, so `mockClient(STSClient)` of
 * client-sts leaves its AssumeRole going to the network. This takes the class from where
 * credential-providers itself resolves it (the same module instance in a test's registry)
 * and mocks that.
 */
import type { AssumeRoleCommand as StsAssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { dirname } from 'node:path';
import { mockAws } from './aws-mock';

interface NestedSts {
  readonly STSClient: typeof STSClient;
  readonly AssumeRoleCommand: typeof StsAssumeRoleCommand;
}

/** `@aws-sdk/nested-clients/sts` as credential-providers loads it. */
function nestedSts(): NestedSts {
  const from = dirname(require.resolve('@aws-sdk/credential-providers'));
  // The module as credential-providers resolves it, not a dependency of this project.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve('@aws-sdk/nested-clients/sts', { paths: [from] })) as NestedSts;
}

const sts = nestedSts();

/** The AssumeRole command class fromTemporaryCredentials sends. */
export const NestedAssumeRoleCommand = sts.AssumeRoleCommand;

/**
 * A mock of the STS client inside fromTemporaryCredentials (reset it in beforeEach), restored
 * when the file or `describe` block that made it ends.
 */
export function mockAssumeRole() {
  return mockAws(sts.STSClient);
}

/** Temporary credentials as STS returns them, valid for an hour from `now`. */
export function roleCredentials(
  accessKeyId: string,
  now = Date.now(),
): {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: Date;
} {
  return {
    AccessKeyId: accessKeyId,
    SecretAccessKey: `${accessKeyId}-secret`,
    SessionToken: `${accessKeyId}-token`,
    Expiration: new Date(now + 3600 * 1000),
  };
}

/** An error as STS throws it (`AccessDenied`, HTTP 403 …). */
export function stsError(name: string, message: string, httpStatusCode?: number): Error {
  return Object.assign(new Error(message), {
    name,
    $metadata: httpStatusCode ? { httpStatusCode } : {},
  });
}
