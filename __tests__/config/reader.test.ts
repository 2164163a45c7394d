import { ConfigError, formatProblem } from '../../config/reader';

describe('how a configuration problem reads', () => {
  it('shows a value as given, a blank one as "", and an unset one as not set', () => {
    expect(formatProblem({ setting: 'AWS_REGION', value: 'eu-west-9', rule: 'unknown' })).toBe(
      'AWS_REGION = "eu-west-9": unknown',
    );
    expect(formatProblem({ setting: 'ALARM_EMAIL', value: '', rule: 'is set but blank' })).toBe(
      'ALARM_EMAIL = "": is set but blank',
    );
    expect(
      formatProblem({ setting: 'BASELINE_ACCOUNT_ID', value: undefined, rule: 'is required' }),
    ).toBe('BASELINE_ACCOUNT_ID (not set): is required');
  });

  it('lists every problem once, under one heading', () => {
    const error = new ConfigError([
      { setting: 'A', value: 'x', rule: 'r1' },
      { setting: 'B', value: undefined, rule: 'r2' },
    ]);
    expect(error.message).toBe(
      'Invalid configuration (2 problems); nothing was synthesized:\n  - A = "x": r1\n  - B (not set): r2',
    );
  });
});
