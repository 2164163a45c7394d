/**
 * STATE_KMS_KEY_ARN: with central state (STATE_ACCOUNT_ID) and the key named by its alias,
 * every stack but the bootstrap names the state key by its key ARN, TapStateBackend's output
 * state_kms_key_arn (S3 PutObject: "If the KMS key doesn't exist in the same account that's
 * issuing the command, you must use the full Key ARN not the Key ID").
 */
import {
  loadStateBackend,
  resolveStateBackend,
  STATE_BACKEND_STACK_ID,
  stacksAwaitingStateKey,
  stateKeyId,
} from '../../config/backend';
import { BLANK_RULE, ConfigError } from '../../config/config';

const STATE = '123456789012';
const UUID_ARN = `arn:aws:kms:eu-west-1:${STATE}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const MRK_ARN = `arn:aws:kms:eu-west-1:${STATE}:key/mrk-0123456789abcdef0123456789abcdef`;
const CENTRAL = { STATE_ACCOUNT_ID: STATE };

const load = (env: Record<string, string>) =>
  loadStateBackend({ env }, { warn: () => undefined, localStateDirectory: '/p' });

/** Each problem as `setting = value: rule`; [] when the settings load. */
function problems(env: Record<string, string>, document?: unknown): string[] {
  try {
    if (document === undefined) load(env);
    else resolveStateBackend(document, env, { warn: () => undefined });
  } catch (e) {
    if (e instanceof ConfigError)
      return e.problems.map((p) => `${p.setting} = ${p.value}: ${p.rule}`);
    throw e;
  }
  return [];
}

const MALFORMED =
  "must be the state key's ARN, arn:aws:kms:<region>:<12-digit account>:key/<key id or mrk-…>: TapStateBackend's output state_kms_key_arn (not an alias, alias ARN or bare key id)";

describe('STATE_KMS_KEY_ARN: accepted', () => {
  it('takes a key ARN (uuid or multi-Region key) of the state account in the bucket’s region', () => {
    expect(load({ ...CENTRAL, STATE_KMS_KEY_ARN: UUID_ARN }).s3.keyArn).toBe(UUID_ARN);
    expect(load({ ...CENTRAL, STATE_KMS_KEY_ARN: ` ${MRK_ARN} ` }).s3.keyArn).toBe(MRK_ARN);
  });

  it('is absent from the settings when unset', () => {
    expect(load(CENTRAL).s3).not.toHaveProperty('keyArn');
  });
});

describe('STATE_KMS_KEY_ARN: refused', () => {
  it('blank but present, like every override', () => {
    expect(problems({ ...CENTRAL, STATE_KMS_KEY_ARN: '  ' })).toEqual([
      `STATE_KMS_KEY_ARN = : ${BLANK_RULE}`,
    ]);
  });

  it.each([
    ['the alias name', 'alias/healthcare-platform-tfstate'],
    ['the alias ARN', `arn:aws:kms:eu-west-1:${STATE}:alias/healthcare-platform-tfstate`],
    ['a bare key id', '1234abcd-12ab-34cd-56ef-1234567890ab'],
    [
      'an account one digit short',
      'arn:aws:kms:eu-west-1:12345678901:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    ],
    [
      'a key id one character short',
      `arn:aws:kms:eu-west-1:${STATE}:key/1234abcd-12ab-34cd-56ef-1234567890a`,
    ],
    [
      'an mrk id one character short',
      `arn:aws:kms:eu-west-1:${STATE}:key/mrk-0123456789abcdef0123456789abcde`,
    ],
    ['another service', `arn:aws:s3:eu-west-1:${STATE}:key/1234abcd-12ab-34cd-56ef-1234567890ab`],
  ])('malformed: %s', (_what, value) => {
    expect(problems({ ...CENTRAL, STATE_KMS_KEY_ARN: value })).toEqual([
      `STATE_KMS_KEY_ARN = ${value}: ${MALFORMED}`,
    ]);
  });

  it('without STATE_ACCOUNT_ID: it is only for central state', () => {
    expect(problems({ STATE_KMS_KEY_ARN: UUID_ARN })).toEqual([
      `STATE_KMS_KEY_ARN = ${UUID_ARN}: is only for central state: set it only with STATE_ACCOUNT_ID (in one account every stack names the key as kms_key_id does)`,
    ]);
  });

  it('a key of another account than STATE_ACCOUNT_ID (one digit off)', () => {
    const other = UUID_ARN.replace(STATE, '123456789013');
    expect(problems({ ...CENTRAL, STATE_KMS_KEY_ARN: other })).toEqual([
      `STATE_KMS_KEY_ARN = ${other}: the key is in account 123456789013, but STATE_ACCOUNT_ID says the state is in ${STATE}: use the output state_kms_key_arn of the TapStateBackend deployed there`,
    ]);
  });

  it('a key of another region than the state bucket (the file’s, or STATE_REGION)', () => {
    const west2 = UUID_ARN.replace('eu-west-1', 'eu-west-2');
    expect(problems({ ...CENTRAL, STATE_KMS_KEY_ARN: west2 })).toEqual([
      `STATE_KMS_KEY_ARN = ${west2}: the key must be in the state bucket's region eu-west-1, not eu-west-2`,
    ]);
    expect(problems({ ...CENTRAL, STATE_REGION: 'eu-west-2', STATE_KMS_KEY_ARN: west2 })).toEqual(
      [],
    );
  });

  it('while kms_key_id already names a key by its ARN: the conflict names both settings', () => {
    expect(
      problems({ ...CENTRAL, STATE_KMS_KEY_ID: UUID_ARN, STATE_KMS_KEY_ARN: UUID_ARN }),
    ).toEqual([
      `STATE_KMS_KEY_ARN = ${UUID_ARN}: conflicts with STATE_KMS_KEY_ID = "${UUID_ARN}", which already names the key by its ARN: unset STATE_KMS_KEY_ARN, or name the bootstrap's alias in STATE_KMS_KEY_ID`,
    ]);
    const file = {
      terraform: {
        backend: {
          s3: {
            bucket: 'healthcare-platform-tfstate',
            key: 'healthcare/{environment}/{stack}.tfstate',
            region: 'eu-west-1',
            encrypt: true,
            kms_key_id: MRK_ARN,
            use_lockfile: true,
          },
        },
      },
    };
    expect(problems({ ...CENTRAL, STATE_KMS_KEY_ARN: UUID_ARN }, file)).toEqual([
      `STATE_KMS_KEY_ARN = ${UUID_ARN}: conflicts with terraform-backend.tf.json terraform.backend.s3.kms_key_id = "${MRK_ARN}", which already names the key by its ARN: unset STATE_KMS_KEY_ARN, or name the bootstrap's alias in terraform-backend.tf.json terraform.backend.s3.kms_key_id`,
    ]);
  });

  it('reports every broken rule at once', () => {
    const wrong = UUID_ARN.replace('eu-west-1', 'us-east-1');
    expect(problems({ STATE_KMS_KEY_ID: UUID_ARN, STATE_KMS_KEY_ARN: wrong })).toEqual([
      `STATE_KMS_KEY_ARN = ${wrong}: is only for central state: set it only with STATE_ACCOUNT_ID (in one account every stack names the key as kms_key_id does)`,
      `STATE_KMS_KEY_ARN = ${wrong}: the key must be in the state bucket's region eu-west-1, not us-east-1`,
      `STATE_KMS_KEY_ARN = ${wrong}: conflicts with STATE_KMS_KEY_ID = "${UUID_ARN}", which already names the key by its ARN: unset STATE_KMS_KEY_ARN, or name the bootstrap's alias in STATE_KMS_KEY_ID`,
    ]);
  });
});

describe('how the stacks name the state key (stateKeyId) and when they must wait (stacksAwaitingStateKey)', () => {
  const AWAITING =
    `STATE_KMS_KEY_ARN is not set. With central state (STATE_ACCOUNT_ID=${STATE}) every stack but TapStateBackend ` +
    'names the state key by its key ARN (S3 requires it for a key in another account), and alias/healthcare-platform-tfstate has none until the bootstrap exists: ' +
    'deploy TapStateBackend, then set STATE_KMS_KEY_ARN to its output state_kms_key_arn';

  it('one account: the alias as configured, nothing to wait for', () => {
    const s3 = load({}).s3;
    expect(stateKeyId(s3)).toBe('alias/healthcare-platform-tfstate');
    expect(stacksAwaitingStateKey(s3)).toBeUndefined();
  });

  it('central state with STATE_KMS_KEY_ARN: the key ARN, never an alias ARN', () => {
    const s3 = load({ ...CENTRAL, STATE_KMS_KEY_ARN: UUID_ARN }).s3;
    expect(stateKeyId(s3)).toBe(UUID_ARN);
    expect(stacksAwaitingStateKey(s3)).toBeUndefined();
  });

  it('central state with a key ARN in kms_key_id: that ARN, nothing to wait for', () => {
    const s3 = load({ ...CENTRAL, STATE_KMS_KEY_ID: MRK_ARN }).s3;
    expect(stateKeyId(s3)).toBe(MRK_ARN);
    expect(stacksAwaitingStateKey(s3)).toBeUndefined();
  });

  it('central state, an alias and no STATE_KMS_KEY_ARN: the bootstrap alone, and what to do', () => {
    const s3 = load(CENTRAL).s3;
    expect(STATE_BACKEND_STACK_ID).toBe('TapStateBackend');
    expect(stacksAwaitingStateKey(s3)).toBe(AWAITING);
    expect(() => stateKeyId(s3)).toThrow(
      `no stack but TapStateBackend can name the state key yet: ${AWAITING}`,
    );
  });
});
