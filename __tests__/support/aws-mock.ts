/**
 * aws-sdk-client-mock's `mockClient`, restored when the file or `describe` block that made
 * it ends. The unit tests share one module cache per process (jest-light-runner), so a
 * client class left mocked would answer the next test file's calls.
 */
import { mockClient } from 'aws-sdk-client-mock';

export const mockAws = ((client: Parameters<typeof mockClient>[0]) => {
  const mock = mockClient(client);
  afterAll(() => mock.restore());
  return mock;
}) as typeof mockClient;
