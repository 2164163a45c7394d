import { Testing } from 'cdktf';
import { loadStateBackend } from '../../../config/backend';
import { loadConfig } from '../../../config/config';
import { evaluateStack } from '../../../tools/policy/engine';
import { formatReport } from '../../../tools/policy/report';
import { synthesizeStack } from '../../../tools/policy/stacks';
import { PlatformStack } from '../../../stacks/platform-stack';

/** The real platform, both profiles: zero failures, and every waiver carries its reason. */
describe.each(['prod', 'dev'])('PlatformStack %s meets the policy', (environment) => {
  test('no rule fails', () => {
    const env = { ENVIRONMENT_SUFFIX: environment };
    const config = loadConfig({ env });
    const stack = new PlatformStack(Testing.app(), {
      config,
      stateBackend: loadStateBackend({ env }),
    });
    const results = evaluateStack(synthesizeStack(stack), {
      stackName: config.stackId,
      profile: config.profile,
    });

    const failures = results.filter((r) => r.status === 'FAIL');
    if (failures.length > 0) throw new Error(formatReport(failures));
    expect(results.length).toBeGreaterThan(0);
    for (const waived of results.filter((r) => r.status === 'WAIVED'))
      expect(waived.waiverReason?.trim()).not.toBe('');
  });
});
