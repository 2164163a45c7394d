import {
  confirmationMode,
  noTtyMessage,
  deployGuardDecision,
  describeStartError,
  guardIsRequired,
  selectEnvironment,
  selectStack,
  describeStack,
  guardRoleOf,
} from '../../../tools/deploy';
import { parseOpsArgs, readOpsCommandLine, UsageError, USAGE } from '../../../tools/ops-args';
import { ConfigError } from '../../../config/config';

describe('parseOpsArgs', () => {
  it('defaults to AWS, no --yes, not strict, no overrides', () => {
    expect(parseOpsArgs('deploy', [])).toEqual({
      emulator: false,
      yes: false,
      strict: false,
      allow: [],
      stack: undefined,
      out: undefined,
      save: undefined,
      plan: undefined,
      releaseLock: false,
      adopt: false,
      untaint: false,
      help: false,
    });
  });

  it('reads the stack, the saved-plan folders and the recovery flags', () => {
    expect(parseOpsArgs('plan', ['--stack', 'TapAccountBaseline', '--save=out/p'])).toMatchObject({
      stack: 'TapAccountBaseline',
      save: 'out/p',
    });
    expect(parseOpsArgs('deploy', ['--plan', 'out/p', '--yes'])).toMatchObject({
      plan: 'out/p',
      yes: true,
    });
    expect(parseOpsArgs('recover', ['--release-lock', '--adopt'])).toMatchObject({
      releaseLock: true,
      adopt: true,
      untaint: false,
    });
    expect(parseOpsArgs('recover', ['--untaint', '--yes'])).toMatchObject({
      untaint: true,
      yes: true,
      adopt: false,
    });
    expect(() => parseOpsArgs('deploy', ['--untaint'])).toThrow(/--untaint/);
    expect(parseOpsArgs('drift', ['--stack', 'TapStackdev', '--out', 'd.md'])).toMatchObject({
      stack: 'TapStackdev',
      out: 'd.md',
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
    ['plan', ['--stack', 'a', '--stack', 'b'], /--stack is given twice/],
    [
      'plan',
      ['--stack', 'TapStackdev,TapStackprod'],
      /--stack takes one stack, got "TapStackdev,TapStackprod": run the command once per stack/,
    ],
    ['drift', ['--stack=TapStackdev TapStackprod'], /--stack takes one stack/],
    ['plan', ['--plan', 'x'], /plan: unknown option --plan/],
    ['deploy', ['--save', 'x'], /deploy: unknown option --save/],
    // A saved plan carries the overrides it was made with: they cannot be added at apply.
    ['deploy', ['--plan', 'x', '--allow', 'a.b'], /--allow cannot change a saved plan/],
    ['recover', ['--emulator'], /recover: unknown option --emulator/],
  ] as const)('%s %j is refused with the usage', (command, argv, message) => {
    expect(() => parseOpsArgs(command, argv)).toThrow(UsageError);
    expect(() => parseOpsArgs(command, argv)).toThrow(message);
    expect(() => parseOpsArgs(command, argv)).toThrow(USAGE[command].split('\n')[0]);
  });
});

describe('readOpsCommandLine', () => {
  function output() {
    const printed = { stdout: '', stderr: '' };
    return {
      printed,
      out: {
        stdout: { write: (text: string) => (printed.stdout += text) },
        stderr: { write: (text: string) => (printed.stderr += text) },
      },
    };
  }

  it('prints the usage on stdout and gives 0 for --help or -h anywhere, even after a wrong option', () => {
    for (const argv of [['--help'], ['-h'], ['--bogus', '--help'], ['--stack', 'x', '-h']]) {
      const { printed, out } = output();
      expect(readOpsCommandLine('recover', argv, out)).toBe(0);
      expect(printed).toEqual({ stdout: `${USAGE.recover}\n`, stderr: '' });
    }
  });

  it('prints the problem and the usage once on stderr and gives 2 for a wrong option', () => {
    const { printed, out } = output();
    expect(readOpsCommandLine('sandbox', ['--bogus'], out)).toBe(2);
    expect(printed).toEqual({
      stdout: '',
      stderr: `sandbox: unknown option --bogus\n${USAGE.sandbox}\n`,
    });
  });

  it('gives the arguments, printing nothing, when they are right', () => {
    const { printed, out } = output();
    expect(readOpsCommandLine('plan', ['--stack', 'TapStackdev', '--emulator'], out)).toEqual(
      parseOpsArgs('plan', ['--stack', 'TapStackdev', '--emulator']),
    );
    expect(printed).toEqual({ stdout: '', stderr: '' });
  });

  it('lets an error that is not about the arguments through', () => {
    const { out } = output();
    const failing = { ...out, stderr: { write: () => undefined } };
    // A command outside the table has no options: parseOpsArgs fails on its lookup, not on the user.
    expect(() => readOpsCommandLine('nope' as 'plan', ['--x'], failing)).toThrow(TypeError);
  });
});

describe('confirmation and the plan guard in deploy', () => {
  it('applies with --yes, asks on a terminal, refuses without one', () => {
    expect(confirmationMode(true, false)).toBe('proceed');
    expect(confirmationMode(true, true)).toBe('proceed');
    expect(confirmationMode(false, true)).toBe('ask');
    expect(confirmationMode(false, false)).toBe('refuse');
  });

  it('without a terminal, says the command to rerun: the same arguments and --yes', () => {
    expect(noTtyMessage(['--stack', 'TapStateBackend'])).toBe(
      'deploy: stdin is not a terminal, so the plan cannot be confirmed interactively; rerun with --yes ' +
        '(npm run deploy -- --stack TapStateBackend --yes) once the plan review is approved.',
    );
    expect(noTtyMessage([])).toContain('(npm run deploy -- --yes)');
  });

  it('requires the guard in the production profile and for the bootstrap', () => {
    expect(guardIsRequired({ stackId: 'TapStackprod', profile: 'production' })).toBe(true);
    expect(guardIsRequired({ stackId: 'TapStackdev', profile: 'standard' })).toBe(false);
    // The state bucket holds every environment's state: the guard always decides.
    expect(guardIsRequired({ stackId: 'TapStateBackend' })).toBe(true);
  });

  it('refuses a blocked plan in production and for the bootstrap', () => {
    const d = deployGuardDecision(
      { blocked: true },
      { stackId: 'TapStackprod', profile: 'production' },
    );
    expect(d.proceed).toBe(false);
    expect(d.heading).toMatch(/required in the production profile.*BLOCKED, nothing was applied/);
    expect(
      deployGuardDecision({ blocked: false }, { stackId: 'TapStackprod', profile: 'production' }),
    ).toEqual({ proceed: true, heading: 'Plan guard (required in the production profile): OK.' });
    expect(deployGuardDecision({ blocked: true }, { stackId: 'TapStateBackend' })).toEqual({
      proceed: false,
      heading: 'Plan guard (required for TapStateBackend): BLOCKED, nothing was applied.',
    });
  });

  it('prints the guard as advice in other profiles, also when it would block', () => {
    const standard = { stackId: 'TapStackdev', profile: 'standard' } as const;
    const blocked = deployGuardDecision({ blocked: true }, standard);
    expect(blocked.proceed).toBe(true);
    expect(blocked.heading).toMatch(
      /advice in the standard profile; it would block this plan in production/,
    );
    expect(deployGuardDecision({ blocked: false }, standard).heading).toBe(
      'Plan guard (advice in the standard profile):',
    );
  });
});

describe('selectStack', () => {
  it('takes the environment from --stack TapStack<env>', () => {
    const s = selectStack('plan', {}, {}, 'TapStackdev');
    expect(s.kind).toBe('platform');
    expect(s.stackId).toBe('TapStackdev');
    expect(s.env.ENVIRONMENT_SUFFIX).toBe('dev');
    expect(describeStack(s)).toBe('TapStackdev (environment dev, standard profile, eu-west-1)');
    expect(guardRoleOf(s)).toEqual({ stackId: 'TapStackdev', profile: 'standard' });
  });

  it('selects the account baseline and the state bootstrap', () => {
    const baseline = selectStack(
      'deploy',
      { AWS_REGION: 'eu-central-1' },
      {},
      'TapAccountBaseline',
    );
    expect(baseline).toMatchObject({
      kind: 'baseline',
      stackId: 'TapAccountBaseline',
      region: 'eu-central-1',
    });
    expect(describeStack(baseline)).toMatch(
      /^TapAccountBaseline \(account baseline, production profile, eu-central-1, DR eu-west-1\)$/,
    );
    expect(guardRoleOf(baseline)).toEqual({ stackId: 'TapAccountBaseline', profile: 'production' });
    const boot = selectStack('deploy', { STATE_BUCKET: 'my-org-tfstate' }, {}, 'TapStateBackend');
    expect(boot).toMatchObject({
      kind: 'bootstrap',
      stackId: 'TapStateBackend',
      region: 'eu-west-1',
    });
    expect(describeStack(boot)).toBe(
      'TapStateBackend (state bucket my-org-tfstate, eu-west-1; local state)',
    );
    expect(guardRoleOf(boot)).toEqual({ stackId: 'TapStateBackend', profile: undefined });
  });

  it('refuses a stack the app does not have, and --stack against another ENVIRONMENT_SUFFIX', () => {
    expect(() => selectStack('plan', {}, {}, 'Bogus')).toThrow(
      /--stack Bogus is not a stack of this app; use TapStack<env>, TapAccountBaseline or TapStateBackend/,
    );
    expect(() => selectStack('plan', { ENVIRONMENT_SUFFIX: 'prod' }, {}, 'TapStackdev')).toThrow(
      /--stack TapStackdev and ENVIRONMENT_SUFFIX=prod name different environments/,
    );
  });

  describe('central state before STATE_KMS_KEY_ARN is set (the app writes TapStateBackend alone)', () => {
    const CENTRAL = { STATE_ACCOUNT_ID: '123456789012', BASELINE_ACCOUNT_ID: '111111111111' };
    const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    // The same reason the synth prints (config/backend.ts stacksAwaitingStateKey).
    const WHY =
      'STATE_KMS_KEY_ARN is not set. With central state (STATE_ACCOUNT_ID=123456789012) every stack but TapStateBackend ' +
      'names the state key by its key ARN (S3 requires it for a key in another account), and alias/healthcare-platform-tfstate ' +
      'has none until the bootstrap exists: deploy TapStateBackend, then set STATE_KMS_KEY_ARN to its output state_kms_key_arn.';

    it('refuses an environment or the baseline with the reason, not "not synthesized"', () => {
      expect(() => selectStack('deploy', CENTRAL, {}, 'TapStackdev')).toThrow(
        new UsageError(`deploy: TapStackdev is not synthesized yet. ${WHY}`),
      );
      expect(() => selectStack('plan', CENTRAL, {}, 'TapAccountBaseline')).toThrow(
        new UsageError(`plan: TapAccountBaseline is not synthesized yet. ${WHY}`),
      );
      expect(() => selectStack('plan', { ...CENTRAL, ENVIRONMENT_SUFFIX: 'dev,qa' })).toThrow(
        new UsageError(`plan: TapStackdev, TapStackqa is not synthesized yet. ${WHY}`),
      );
    });

    it('selects the bootstrap, and every stack once the key ARN is set', () => {
      expect(selectStack('deploy', CENTRAL, {}, 'TapStateBackend').kind).toBe('bootstrap');
      const after = { ...CENTRAL, STATE_KMS_KEY_ARN: KEY_ARN };
      expect(selectStack('deploy', after, {}, 'TapStackdev').stackId).toBe('TapStackdev');
      expect(selectStack('plan', after, {}, 'TapAccountBaseline').kind).toBe('baseline');
    });
  });

  it('refuses a misspelled setting, as synth does', () => {
    expect(() =>
      selectStack('plan', { BASELINE_PROFLE: 'standard' }, {}, 'TapAccountBaseline'),
    ).toThrow(/BASELINE_PROFLE = "standard": is not a setting; did you mean BASELINE_PROFILE\?/);
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
      /deploy works on one stack at a time, but ENVIRONMENT_SUFFIX=dev,prod names 2 \(dev, prod\)[\s\S]*npm run deploy -- --stack TapStackdev/,
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
