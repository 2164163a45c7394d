/**
 * Gap 37 (tools/emulator/moto_request_gaps.py): an SDK's retry of a request the emulator
 * already answered gets that answer again; a new call with the same name is still refused
 * as AWS refuses it.
 */
import { CreateWebACLCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import type { CreateWebACLCommandOutput } from '@aws-sdk/client-wafv2';
import { refusal, tooling, unique } from './emulator-clients';

/** A WAFv2 client whose every request carries this invocation id and attempt number. */
function clientSending(invocation: string, attempt: number): WAFV2Client {
  const client = new WAFV2Client(tooling());
  // The deserialize step runs last before the request leaves: after the SDK's own headers.
  client.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { headers: Record<string, string> };
      request.headers['amz-sdk-invocation-id'] = invocation;
      request.headers['amz-sdk-request'] = `attempt=${attempt}; max=3`;
      return next(args);
    },
    { step: 'deserialize', name: 'fixedInvocation' },
  );
  return client;
}

const create = (name: string) =>
  new CreateWebACLCommand({
    Name: name,
    Scope: 'REGIONAL',
    DefaultAction: { Allow: {} },
    VisibilityConfig: {
      SampledRequestsEnabled: false,
      CloudWatchMetricsEnabled: false,
      MetricName: name,
    },
  });

describe('a retried request (gap 37)', () => {
  it('a retry of a create the emulator answered gets the same answer, not a duplicate', async () => {
    const name = unique('retried-acl');
    const invocation = unique('invocation');
    const first: CreateWebACLCommandOutput = await clientSending(invocation, 1).send(create(name));
    const retried = await clientSending(invocation, 2).send(create(name));
    expect(retried.Summary?.Id).toBe(first.Summary?.Id);
    expect(retried.Summary?.ARN).toBe(first.Summary?.ARN);
  });

  it('another call with the same name is still refused as a duplicate', async () => {
    const name = unique('duplicate-acl');
    await clientSending(unique('invocation'), 1).send(create(name));
    const refused = await refusal(clientSending(unique('invocation'), 1).send(create(name)));
    // AWS answers WAFDuplicateItemException; moto 5.2.1 names it WafV2DuplicateItem.
    expect(refused.code).toBe('WafV2DuplicateItem');
    expect(refused.status).toBe(400);
  });

  it('a retry of a call the emulator never answered is run', async () => {
    const name = unique('first-seen-acl');
    const created = await clientSending(unique('invocation'), 2).send(create(name));
    expect(created.Summary?.Name).toBe(name);
  });
});
