import {
  confirmationMode,
  deployGuardDecision,
  describeStartError,
  guardIsRequired,
  parseOpsArgs,
  selectEnvironment,
  UsageError,
  USAGE,
} from '../../../tools/deploy';
import { ConfigError } from '../../../config/config';

describe('parseOpsArgs', () => {
  it('defaults to AWS, no --yes, not strict, no overrides', () => {
    expect(parseOpsArgs('deploy', [])).toEqual({
      emulator: false,
      yes: false,
      strict: false,
      allow: [],
      out: undefined,
      help: false,
    });
  });

  it('reads every deploy option, --allow repeated and in both spellings', () => {
    const args = parseOpsArgs('deploy', [
      '--emulator',
      '-y',
      '--strict',
      '--allow',
      'aws_db_instance.database_instance_1',
      '--allow=aws_kms_key.data_key_2',
    ]);
    expect(args).toMatchObject({ emulator: true, yes: true, strict: true });
    expect(args.allow).toEqual(['aws_db_instance.database_instance_1', 'aws_kms_key.data_key_2']);
    expect(parseOpsArgs('deploy', ['--yes']).yes).toBe(true);
  });

  it('reads --out for plan, with or without =', () => {
    expect(parseOpsArgs('plan', ['--out', 'review.md']).out).toBe('review.md');
    expect(parseOpsArgs('plan', ['--out=r.md', '--emulator'])).toMatchObject({
      out: 'r.md',
      emulator: true,
    });
  });

  it('recognises --help and -h', () => {
    expect(parseOpsArgs('sandbox', ['--help']).help).toBe(true);
    expect(parseOpsArgs('plan', ['-h']).help).toBe(true);
  });

  it.each([
    ['plan', ['--yes'], /plan: unknown option --yes/],
    ['deploy', ['--out', 'x.md'], /deploy: unknown option --out/],
    ['sandbox', ['--emulator'], /sandbox: unknown option --emulator/],
    ['deploy', ['prod'], /unexpected argument prod/],
    ['deploy', ['--allow'], /--allow needs a value/],
    ['deploy', ['--allow', '--yes'], /--allow needs a value/],
    ['deploy', ['--allow='], /--allow needs a value/],
    ['plan', ['--emulator=yes'], /--emulator takes no value/],
  ] as const)('%s %j is refused with the usage', (command, argv, message) => {
    expect(() => parseOpsArgs(command, argv)).toThrow(UsageError);
    expect(() => parseOpsArgs(command, argv)).toThrow(message);
    expect(() => parseOpsArgs(command, argv)).toThrow(USAGE[command].split('\n')[0]);
  });
});

describe('confirmation and the plan guard in deploy', () => {
  it('applies with --yes, asks on a terminal, refuses without one', () => {
    expect(confirmationMode(true, false)).toBe('proceed');
    expect(confirmationMode(true, true)).toBe('proceed');
    expect(confirmationMode(false, true)).toBe('ask');
    expect(confirmationMode(false, false)).toBe('refuse');
  });

  it('requires the guard in the production profile only', () => {
    expect(guardIsRequired({ profile: 'production' })).toBe(true);
    expect(guardIsRequired({ profile: 'standard' })).toBe(false);
  });

  it('refuses a blocked plan in production', () => {
    const d = deployGuardDecision({ blocked: true }, { profile: 'production' });
    expect(d.proceed).toBe(false);
    expect(d.heading).toMatch(/required in the production profile.*BLOCKED, nothing was applied/);
    expect(deployGuardDecision({ blocked: false }, { profile: 'production' })).toEqual({
      proceed: true,
      heading: 'Plan guard (required in the production profile): OK.',
    });
  });

  it('prints the guard as advice in other profiles, also when it would block', () => {
    const blocked = deployGuardDecision({ blocked: true }, { profile: 'standard' });
    expect(blocked.proceed).toBe(true);
    expect(blocked.heading).toMatch(
      /advice in the standard profile; it would block this plan in production/,
    );
    expect(deployGuardDecision({ blocked: false }, { profile: 'standard' }).heading).toBe(
      'Plan guard (advice in the standard profile):',
    );
  });
});

describe('selectEnvironment', () => {
  it('defaults to prod (production profile) like the app', () => {
    const s = selectEnvironment('deploy', {});
    expect(s.config.stackId).toBe('TapStackprod');
    expect(s.config.profile).toBe('production');
    expect(s.env.ENVIRONMENT_SUFFIX).toBe('prod');
  });

  it('uses the command default only when nothing names an environment', () => {
    expect(selectEnvironment('sandbox', {}, {}, 'dev').config.stackId).toBe('TapStackdev');
    expect(
      selectEnvironment('sandbox', { ENVIRONMENT_SUFFIX: 'qa' }, {}, 'dev').config.stackId,
    ).toBe('TapStackqa');
    expect(selectEnvironment('sandbox', {}, { env: 'staging' }, 'dev').config.stackId).toBe(
      'TapStackstaging',
    );
  });

  it('keeps the rest of the environment and drops unset variables', () => {
    const s = selectEnvironment('plan', {
      ENVIRONMENT_SUFFIX: 'dev@us-east-1',
      X: '1',
      Y: undefined,
    });
    expect(s.config.region).toBe('us-east-1');
    expect(s.env).toEqual({ ENVIRONMENT_SUFFIX: 'dev', X: '1' });
  });

  it('refuses several environments, naming them and the fix', () => {
    expect(() => selectEnvironment('deploy', { ENVIRONMENT_SUFFIX: 'dev,prod' })).toThrow(
      /deploy works on one environment at a time, but ENVIRONMENT_SUFFIX=dev,prod names 2 \(dev, prod\)[\s\S]*ENVIRONMENT_SUFFIX=dev npm run deploy/,
    );
  });

  it('passes configuration errors through, and describes them for the terminal', () => {
    let error: unknown;
    try {
      selectEnvironment('plan', { ENVIRONMENT_SUFFIX: 'Bad_Name' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(describeStartError(error)).toMatch(/ENVIRONMENT_SUFFIX/);
    expect(describeStartError(new UsageError('use --yes'))).toBe('use --yes');
    expect(() => describeStartError(new TypeError('bug'))).toThrow('bug');
  });
});
