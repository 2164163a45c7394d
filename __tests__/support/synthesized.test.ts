import { Testing } from 'cdktf';
import { loadStateBackend } from '../../config/backend';
import { loadConfig } from '../../config/config';
import { PlatformStack } from '../../stacks/platform-stack';
import { synthesizeStack } from '../../tools/policy/stacks';
import { document, json } from './synthesized';

describe('the shared synthesized stacks (support/synthesized.ts)', () => {
  const env = { ENVIRONMENT_SUFFIX: 'qa' };
  const fresh = () =>
    new PlatformStack(Testing.app(), {
      config: loadConfig({ env }),
      stateBackend: loadStateBackend({ env }, { warn: () => undefined }),
    });

  test('json is what Testing.synth gives for the same settings; document is what synthesizeStack gives', () => {
    expect(json('platform', env)).toEqual(JSON.parse(Testing.synth(fresh())));
    expect(document('platform', env)).toEqual(synthesizeStack(fresh()));
    // The waivers of the policy live in the metadata: kept in one, left out of the other.
    expect(JSON.stringify(document('platform', env))).toContain('"//"');
    expect(JSON.stringify(json('platform', env))).not.toContain('"//"');
  });

  test('each call parses afresh: what one test changes, the next does not see', () => {
    const first = json('platform', env);
    first.resource = {};
    expect(Object.keys(json('platform', env).resource).length).toBeGreaterThan(10);
  });

  test('the settings are the key, not their order; other settings, another stack', () => {
    const two = { ENVIRONMENT_SUFFIX: 'qa', AZ_COUNT: '3' };
    const reordered = { AZ_COUNT: '3', ENVIRONMENT_SUFFIX: 'qa' };
    expect(json('platform', reordered)).toEqual(json('platform', two));
    expect(json('platform', two)).not.toEqual(json('platform', env));
    expect(json('baseline', env)).not.toEqual(json('platform', env));
  });
});
