import { loadConfig } from '../../../config/config';
import { evaluateStack } from '../../../tools/policy/engine';
import { formatReport } from '../../../tools/policy/report';
import { document } from '../../support/synthesized';

const CERT = 'arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

function evaluate(env: Record<string, string>) {
  const config = loadConfig({ env });
  return evaluateStack(document('platform', env), {
    stackName: config.stackId,
    profile: config.profile,
  });
}

/**
 * The real platform, both profiles, as they are deployed (production with its custom
 * domain, which its deploy gate requires): zero failures, every waiver with its reason.
 */
describe.each([
  ['prod', { API_DOMAIN_NAME: 'api.example.org', API_CERTIFICATE_ARN: CERT }],
  ['dev', {}],
])('PlatformStack %s meets the policy', (environment, settings) => {
  test('no rule fails', () => {
    const results = evaluate({ ENVIRONMENT_SUFFIX: environment, ...settings });
    const failures = results.filter((r) => r.status === 'FAIL');
    if (failures.length > 0) throw new Error(formatReport(failures));
    expect(results.length).toBeGreaterThan(0);
    for (const waived of results.filter((r) => r.status === 'WAIVED'))
      expect(waived.waiverReason?.trim()).not.toBe('');
    expect(results.find((r) => r.ruleId === 'HIPAA-DATA-001')?.detail).toBe(
      environment === 'prod'
        ? 'DataClassification = PHI (production profile)'
        : 'DataClassification = synthetic (standard profile)',
    );
  });
});

test('production without a custom domain fails exactly HIPAA-API-009 (its deploy gate refuses it too)', () => {
  const failures = evaluate({}).filter((r) => r.status === 'FAIL');
  expect(failures.map((r) => [r.ruleId, r.address])).toEqual([
    ['HIPAA-API-009', expect.stringMatching(/^aws_api_gateway_rest_api\.api_rest-api_\w+$/)],
  ]);
});

test('a standard environment without reserved concurrency is waived, with its reason', () => {
  const results = evaluate({ ENVIRONMENT_SUFFIX: 'dev', READINESS_RESERVED_CONCURRENCY: '0' });
  expect(results.filter((r) => r.status === 'FAIL')).toEqual([]);
  expect(results.find((r) => r.ruleId === 'HIPAA-LAMBDA-004')).toMatchObject({
    status: 'WAIVED',
    waiverReason: expect.stringMatching(/^No reservation/),
  });
});
