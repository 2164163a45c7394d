import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BLANK_RULE } from '../../config/config';
import { Testing, TerraformStack } from 'cdktf';
import {
  applyStateBackend,
  loadStateBackend,
  localStatePath,
  PROJECT_ROOT,
  resolveStateBackend,
  STATE_BACKEND_FILE,
  StateBackendSettings,
  stateKey,
} from '../../config/backend';
import { ConfigError } from '../../config/config';

const FILE = path.join(__dirname, '..', '..', 'terraform-backend.tf.json');
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** A fresh copy of the checked-in file, read independently of config/backend.ts. */
function checkedInFile(): { terraform: { backend: { s3: Record<string, unknown> } } } {
  return JSON.parse(fs.readFileSync(FILE, 'utf8'));
}

function documentWith(changes: Record<string, unknown>, remove: string[] = []): unknown {
  const doc = checkedInFile();
  Object.assign(doc.terraform.backend.s3, changes);
  for (const name of remove) delete doc.terraform.backend.s3[name];
  return doc;
}

const quiet = { warn: () => undefined };

function resolve(env: Record<string, string> = {}, document: unknown = checkedInFile()) {
  return resolveStateBackend(document, env, quiet);
}

/** The backend block a bare stack synthesizes with these settings. */
function synthBackend(
  settings: StateBackendSettings,
  stackId = 'TapStackprod',
  environment = 'prod',
) {
  const stack = new TerraformStack(Testing.app(), stackId);
  applyStateBackend(stack, settings, { environment });
  return JSON.parse(Testing.synth(stack)).terraform.backend;
}

function problemsOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('terraform-backend.tf.json', () => {
  it('is Terraform JSON with a comment and one s3 backend block', () => {
    const doc = checkedInFile() as unknown as Record<string, unknown>;
    expect(Object.keys(doc).sort()).toEqual(['//', 'terraform']);
    expect(typeof doc['//']).toBe('string');
    expect(Object.keys(checkedInFile().terraform.backend)).toEqual(['s3']);
  });

  it('describes an encrypted, locked backend with a key per environment and stack', () => {
    expect(checkedInFile().terraform.backend.s3).toEqual({
      bucket: 'healthcare-platform-tfstate',
      key: 'healthcare/{environment}/{stack}.tfstate',
      region: 'eu-west-1',
      dynamodb_table: 'healthcare-platform-tfstate-lock',
      encrypt: true,
      kms_key_id: 'alias/healthcare-platform-tfstate',
      use_lockfile: true,
    });
  });

  it.each([
    ['prod', 'TapStackprod'],
    ['dev', 'TapStackdev'],
  ])(
    'equals the backend block a %s stack synthesizes, placeholders filled in',
    (environment, stackId) => {
      // Given the file as checked in, and the settings the app loads from it
      const fromFile = checkedInFile().terraform.backend.s3;
      const expected = {
        ...fromFile,
        key: String(fromFile.key).replace('{environment}', environment).replace('{stack}', stackId),
      };
      const settings = loadStateBackend({ env: {} }, quiet);
      // When a stack's backend is applied, then its block is the file's block
      expect(synthBackend(settings, stackId, environment)).toEqual({ s3: expected });
    },
  );
});

describe('loadStateBackend', () => {
  it('reads the checked-in file by default and keeps local state under the project', () => {
    expect(STATE_BACKEND_FILE).toBe(FILE);
    expect(loadStateBackend({ env: {} }, quiet)).toEqual({
      kind: 's3',
      s3: {
        bucket: 'healthcare-platform-tfstate',
        keyPattern: 'healthcare/{environment}/{stack}.tfstate',
        region: 'eu-west-1',
        dynamodbTable: 'healthcare-platform-tfstate-lock',
        encrypt: true,
        kmsKeyId: 'alias/healthcare-platform-tfstate',
        useLockfile: true,
      },
      localStateDirectory: PROJECT_ROOT,
    });
    expect(PROJECT_ROOT).toBe(path.resolve(__dirname, '..', '..'));
    expect(loadStateBackend({ env: {} })).toEqual(loadStateBackend({ env: {} }, quiet));
  });

  it('reads another file when asked', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backend-'));
    const file = path.join(dir, 'backend.tf.json');
    fs.writeFileSync(file, JSON.stringify(documentWith({ bucket: 'other-state-bucket' })));
    expect(loadStateBackend({ env: {} }, { ...quiet, file }).s3.bucket).toBe('other-state-bucket');
    fs.rmSync(dir, { recursive: true });
  });

  it('throws naming the file when it is missing', () => {
    const error = problemsOf(() =>
      loadStateBackend({ env: {} }, { file: '/nonexistent/backend.tf.json' }),
    );
    expect(error.problems).toEqual([
      expect.objectContaining({
        setting: 'terraform-backend.tf.json',
        value: '/nonexistent/backend.tf.json',
      }),
    ]);
    expect(error.message).toMatch(/must be a readable file of valid JSON \(ENOENT/);
  });

  it('throws naming the file when it is not JSON', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backend-'));
    const file = path.join(dir, 'backend.tf.json');
    fs.writeFileSync(file, '{ terraform = {} }');
    const error = problemsOf(() => loadStateBackend({ env: {} }, { file }));
    expect(error.message).toContain(
      `terraform-backend.tf.json = ${JSON.stringify(file)}: must be a readable file of valid JSON`,
    );
    fs.rmSync(dir, { recursive: true });
  });
});

describe('environment overrides', () => {
  it('STATE_BUCKET replaces the bucket', () => {
    expect(resolve({ STATE_BUCKET: 'acme-prod-tfstate' }).s3.bucket).toBe('acme-prod-tfstate');
  });

  it('STATE_LOCK_TABLE replaces the lock table', () => {
    expect(resolve({ STATE_LOCK_TABLE: 'Acme_State.Lock-1' }).s3.dynamodbTable).toBe(
      'Acme_State.Lock-1',
    );
  });

  it('STATE_REGION replaces the region', () => {
    expect(resolve({ STATE_REGION: 'us-east-1' }).s3.region).toBe('us-east-1');
  });

  it('STATE_KMS_KEY_ID takes another alias or an existing key ARN in the same region', () => {
    expect(resolve({ STATE_KMS_KEY_ID: 'alias/acme/tfstate_key-1' }).s3.kmsKeyId).toBe(
      'alias/acme/tfstate_key-1',
    );
    expect(resolve({ STATE_KMS_KEY_ID: KEY_ARN }).s3.kmsKeyId).toBe(KEY_ARN);
    const mrk = 'arn:aws:kms:us-east-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef';
    expect(resolve({ STATE_KMS_KEY_ID: mrk, STATE_REGION: 'us-east-1' }).s3.kmsKeyId).toBe(mrk);
  });

  it('STATE_USE_PATH_STYLE=true writes use_path_style, false writes false, unset writes nothing', () => {
    expect(synthBackend(resolve({ STATE_USE_PATH_STYLE: 'true' })).s3.use_path_style).toBe(true);
    expect(synthBackend(resolve({ STATE_USE_PATH_STYLE: 'FALSE' })).s3.use_path_style).toBe(false);
    expect(synthBackend(resolve({})).s3).not.toHaveProperty('use_path_style');
    expect(resolve({}, documentWith({ use_path_style: true })).s3.usePathStyle).toBe(true);
    expect(
      resolve({ STATE_USE_PATH_STYLE: 'false' }, documentWith({ use_path_style: true })).s3
        .usePathStyle,
    ).toBe(false);
  });

  it('refuses empty and blank variables: a CI variable that expanded to nothing is not "unset"', () => {
    const error = problemsOf(() =>
      resolve({
        STATE_BUCKET: '',
        STATE_REGION: '  ',
        STATE_BACKEND: '',
        STATE_USE_PATH_STYLE: ' ',
      }),
    );
    expect(error.problems).toEqual(
      ['STATE_BUCKET', 'STATE_REGION', 'STATE_USE_PATH_STYLE', 'STATE_BACKEND'].map((setting) => ({
        setting,
        value: '',
        rule: BLANK_RULE,
      })),
    );
  });

  it('every override reaches the synthesized backend block', () => {
    const settings = resolve({
      STATE_BUCKET: 'acme-tfstate',
      STATE_LOCK_TABLE: 'acme-tfstate-lock',
      STATE_REGION: 'eu-central-1',
      STATE_KMS_KEY_ID: 'alias/acme-tfstate',
      STATE_USE_PATH_STYLE: 'true',
    });
    expect(synthBackend(settings, 'TapStackdev', 'dev')).toEqual({
      s3: {
        bucket: 'acme-tfstate',
        key: 'healthcare/dev/TapStackdev.tfstate',
        region: 'eu-central-1',
        dynamodb_table: 'acme-tfstate-lock',
        encrypt: true,
        kms_key_id: 'alias/acme-tfstate',
        use_lockfile: true,
        use_path_style: true,
      },
    });
  });

  it('never writes endpoints: the backend reads AWS_ENDPOINT_URL* itself', () => {
    const env = { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000', STATE_USE_PATH_STYLE: 'true' };
    const block = synthBackend(resolve(env)).s3;
    expect(Object.keys(block).filter((k) => /endpoint/.test(k))).toEqual([]);
  });
});

describe('warnings', () => {
  it('warns when an S3 endpoint override is set without path-style addressing', () => {
    for (const variable of ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL']) {
      const warn = jest.fn();
      resolveStateBackend(checkedInFile(), { [variable]: 'http://127.0.0.1:5000' }, { warn });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('STATE_USE_PATH_STYLE=true'));
    }
  });

  it('does not warn with path-style addressing, nor without an endpoint', () => {
    const warn = jest.fn();
    resolveStateBackend(
      checkedInFile(),
      { AWS_ENDPOINT_URL_S3: 'http://x:1', STATE_USE_PATH_STYLE: 'true' },
      { warn },
    );
    resolveStateBackend(checkedInFile(), {}, { warn });
    expect(warn).not.toHaveBeenCalled();
  });

  it('writes warnings to stderr by default', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      resolveStateBackend(checkedInFile(), { STATE_BACKEND: 'local' });
      expect(write).toHaveBeenCalledWith(expect.stringMatching(/NOT FOR SHARED ENVIRONMENTS.*\n$/));
    } finally {
      write.mockRestore();
    }
  });
});

describe('local mode (STATE_BACKEND=local)', () => {
  it('selects local state, warns that it is not for shared environments, and still validates the file', () => {
    const warn = jest.fn();
    const settings = resolveStateBackend(checkedInFile(), { STATE_BACKEND: 'local' }, { warn });
    expect(settings.kind).toBe('local');
    expect(settings.s3.bucket).toBe('healthcare-platform-tfstate');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/STATE_BACKEND=local .*NOT FOR SHARED ENVIRONMENTS/);
    expect(() => resolve({ STATE_BACKEND: 'local', STATE_BUCKET: 'Bad_Bucket' })).toThrow(
      ConfigError,
    );
  });

  it('writes a local backend with a path under the project instead of the S3 block', () => {
    const settings = resolve({ STATE_BACKEND: 'local' });
    expect(synthBackend(settings, 'TapStackdev', 'dev')).toEqual({
      local: { path: path.join(PROJECT_ROOT, 'terraform.TapStackdev.tfstate') },
    });
  });

  it('keeps local state in the given directory', () => {
    const settings = resolveStateBackend(
      checkedInFile(),
      { STATE_BACKEND: 'local' },
      { ...quiet, localStateDirectory: '/tmp/x' },
    );
    expect(localStatePath(settings, 'TapStackqa')).toBe('/tmp/x/terraform.TapStackqa.tfstate');
  });

  it('accepts STATE_BACKEND=s3 explicitly', () => {
    expect(resolve({ STATE_BACKEND: 's3' }).kind).toBe('s3');
  });
});

describe('backend block', () => {
  it.each([
    ['prod', 'TapStackprod', 'healthcare/prod/TapStackprod.tfstate'],
    ['dev', 'TapStackdev', 'healthcare/dev/TapStackdev.tfstate'],
  ])('keys the %s state by environment and stack', (environment, stackId, key) => {
    expect(synthBackend(resolve(), stackId, environment).s3).toMatchObject({
      bucket: 'healthcare-platform-tfstate',
      key,
      region: 'eu-west-1',
      dynamodb_table: 'healthcare-platform-tfstate-lock',
      encrypt: true,
      kms_key_id: 'alias/healthcare-platform-tfstate',
      use_lockfile: true,
    });
  });

  it('omits dynamodb_table when the file names none and S3 lock files lock the state', () => {
    const block = synthBackend(resolve({}, documentWith({}, ['dynamodb_table']))).s3;
    expect(block).not.toHaveProperty('dynamodb_table');
    expect(block.use_lockfile).toBe(true);
  });

  it('writes use_lockfile false when only DynamoDB locks', () => {
    expect(synthBackend(resolve({}, documentWith({ use_lockfile: false }))).s3.use_lockfile).toBe(
      false,
    );
    expect(resolve({}, documentWith({}, ['use_lockfile'])).s3.useLockfile).toBe(false);
  });

  it('stateKey fills in both placeholders wherever they appear', () => {
    const s3 = resolve({}, documentWith({ key: '{environment}/{stack}/{environment}.tfstate' })).s3;
    expect(stateKey(s3, { environment: 'qa', stack: 'TapStackqa' })).toBe(
      'qa/TapStackqa/qa.tfstate',
    );
  });
});

describe('bad settings throw ConfigError naming the setting, the value and the rule', () => {
  const F = (name: string) => `terraform-backend.tf.json terraform.backend.s3.${name}`;
  it.each<[string, Record<string, string>, unknown, string, string | undefined, RegExp]>([
    [
      'bucket too short',
      { STATE_BUCKET: 'ab' },
      undefined,
      'STATE_BUCKET',
      'ab',
      /3 to 63 characters/,
    ],
    [
      'bucket too long',
      { STATE_BUCKET: 'a'.repeat(64) },
      undefined,
      'STATE_BUCKET',
      'a'.repeat(64),
      /3 to 63 characters/,
    ],
    [
      'bucket uppercase',
      { STATE_BUCKET: 'Acme-State' },
      undefined,
      'STATE_BUCKET',
      'Acme-State',
      /only lowercase letters, digits and hyphens/,
    ],
    [
      'bucket with dots',
      { STATE_BUCKET: 'acme.state' },
      undefined,
      'STATE_BUCKET',
      'acme.state',
      /dots are refused/,
    ],
    [
      'bucket ending in hyphen',
      { STATE_BUCKET: 'acme-state-' },
      undefined,
      'STATE_BUCKET',
      'acme-state-',
      /begins and ends with a lowercase letter or digit/,
    ],
    [
      'bucket starting with hyphen',
      { STATE_BUCKET: '-acme-state' },
      undefined,
      'STATE_BUCKET',
      '-acme-state',
      /begins and ends/,
    ],
    [
      'bucket reserved prefix',
      { STATE_BUCKET: 'xn--acme' },
      undefined,
      'STATE_BUCKET',
      'xn--acme',
      /reserves the prefixes/,
    ],
    [
      'bucket reserved suffix',
      { STATE_BUCKET: 'acme-s3alias' },
      undefined,
      'STATE_BUCKET',
      'acme-s3alias',
      /reserves the suffixes/,
    ],
    [
      'bucket placeholder in file',
      {},
      documentWith({ bucket: 'acme-{environment}' }),
      F('bucket'),
      'acme-{environment}',
      /takes no placeholders/,
    ],
    [
      'table too short',
      { STATE_LOCK_TABLE: 'ab' },
      undefined,
      'STATE_LOCK_TABLE',
      'ab',
      /3 to 255 characters/,
    ],
    [
      'table too long',
      { STATE_LOCK_TABLE: 'a'.repeat(256) },
      undefined,
      'STATE_LOCK_TABLE',
      'a'.repeat(256),
      /3 to 255 characters/,
    ],
    [
      'table bad characters',
      { STATE_LOCK_TABLE: 'acme lock!' },
      undefined,
      'STATE_LOCK_TABLE',
      'acme lock!',
      /\[A-Za-z0-9_.-\]/,
    ],
    [
      'table in file',
      {},
      documentWith({ dynamodb_table: 'x' }),
      F('dynamodb_table'),
      'x',
      /3 to 255/,
    ],
    [
      'region unknown',
      { STATE_REGION: 'eu-west-01' },
      undefined,
      'STATE_REGION',
      'eu-west-01',
      /commercial AWS region/,
    ],
    [
      'region unknown in file',
      {},
      documentWith({ region: 'mars-1' }),
      F('region'),
      'mars-1',
      /commercial AWS region/,
    ],
    [
      'kms bare key id',
      { STATE_KMS_KEY_ID: '1234abcd-12ab-34cd-56ef-1234567890ab' },
      undefined,
      'STATE_KMS_KEY_ID',
      '1234abcd-12ab-34cd-56ef-1234567890ab',
      /alias name .* or the ARN of an existing key/,
    ],
    [
      'kms alias ARN',
      { STATE_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:123456789012:alias/x' },
      undefined,
      'STATE_KMS_KEY_ID',
      'arn:aws:kms:eu-west-1:123456789012:alias/x',
      /ARN of an existing key/,
    ],
    [
      'kms alias with dot',
      { STATE_KMS_KEY_ID: 'alias/acme.state' },
      undefined,
      'STATE_KMS_KEY_ID',
      'alias/acme.state',
      /KMS alias name/,
    ],
    [
      'kms AWS managed alias',
      { STATE_KMS_KEY_ID: 'alias/aws/s3' },
      undefined,
      'STATE_KMS_KEY_ID',
      'alias/aws/s3',
      /AWS managed keys/,
    ],
    [
      'kms alias too long',
      { STATE_KMS_KEY_ID: `alias/${'a'.repeat(251)}` },
      undefined,
      'STATE_KMS_KEY_ID',
      `alias/${'a'.repeat(251)}`,
      /at most 256/,
    ],
    [
      'kms key in another region',
      { STATE_KMS_KEY_ID: KEY_ARN.replace('eu-west-1', 'us-east-1') },
      undefined,
      'STATE_KMS_KEY_ID',
      KEY_ARN.replace('eu-west-1', 'us-east-1'),
      /bucket's region eu-west-1, not us-east-1/,
    ],
    [
      'kms key in another region in file',
      {},
      documentWith({ kms_key_id: KEY_ARN, region: 'us-east-2' }),
      F('kms_key_id'),
      KEY_ARN,
      /bucket's region us-east-2, not eu-west-1/,
    ],
    [
      'path style not boolean',
      { STATE_USE_PATH_STYLE: 'yes' },
      undefined,
      'STATE_USE_PATH_STYLE',
      'yes',
      /one of true, false/,
    ],
    [
      'backend unknown',
      { STATE_BACKEND: 'gcs' },
      undefined,
      'STATE_BACKEND',
      'gcs',
      /one of s3, local/,
    ],
    [
      'key unknown placeholder',
      {},
      documentWith({ key: 'healthcare/{env}/{stack}.tfstate' }),
      F('key'),
      'healthcare/{env}/{stack}.tfstate',
      /unknown placeholder; the known ones are \{environment\} and \{stack\}/,
    ],
    [
      'key shared by every stack',
      {},
      documentWith({ key: 'healthcare/terraform.tfstate' }),
      F('key'),
      'healthcare/terraform.tfstate',
      /must contain \{stack\} or \{environment\}/,
    ],
    [
      'key bad characters',
      {},
      documentWith({ key: 'health care/{stack}' }),
      F('key'),
      'health care/{stack}',
      /only letters, digits/,
    ],
    [
      'key leading slash',
      {},
      documentWith({ key: '/{stack}.tfstate' }),
      F('key'),
      '/{stack}.tfstate',
      /must not start or end with "\/"/,
    ],
    [
      'key double slash',
      {},
      documentWith({ key: 'a//{stack}.tfstate' }),
      F('key'),
      'a//{stack}.tfstate',
      /nor contain "\/\/"/,
    ],
    [
      'encrypt false',
      {},
      documentWith({ encrypt: false }),
      F('encrypt'),
      'false',
      /must be true: state records where PHI lives/,
    ],
    ['encrypt missing', {}, documentWith({}, ['encrypt']), F('encrypt'), '', /must be true/],
    [
      'encrypt not boolean',
      {},
      documentWith({ encrypt: 'true' }),
      F('encrypt'),
      'true',
      /JSON boolean/,
    ],
    ['bucket missing', {}, documentWith({}, ['bucket']), F('bucket'), undefined, /is required/],
    ['key missing', {}, documentWith({}, ['key']), F('key'), undefined, /is required/],
    ['region missing', {}, documentWith({}, ['region']), F('region'), undefined, /is required/],
    [
      'kms_key_id missing',
      {},
      documentWith({}, ['kms_key_id']),
      F('kms_key_id'),
      undefined,
      /is required/,
    ],
    [
      'bucket not a string',
      {},
      documentWith({ bucket: 42 }),
      F('bucket'),
      '42',
      /must be a string/,
    ],
    [
      'use_lockfile not boolean',
      {},
      documentWith({ use_lockfile: 'yes' }),
      F('use_lockfile'),
      'yes',
      /JSON boolean/,
    ],
    [
      'unsupported field',
      {},
      documentWith({ endpoints: { s3: 'http://x' } }),
      F('endpoints'),
      '{"s3":"http://x"}',
      /is not a setting this project reads; supported: bucket, key/,
    ],
    [
      'no locking',
      {},
      documentWith({ use_lockfile: false }, ['dynamodb_table']),
      F('use_lockfile'),
      'false',
      /state must be locked/,
    ],
  ])('%s', (_name, env, document, setting, value, rule) => {
    const error = problemsOf(() => resolve(env, document ?? checkedInFile()));
    expect(error.problems).toContainEqual({ setting, value, rule: expect.stringMatching(rule) });
    expect(error.message).toContain(
      value === undefined ? `${setting} (not set): ` : `${setting} = ${JSON.stringify(value)}: `,
    );
  });

  it('accepts a lock table from STATE_LOCK_TABLE when the file has no locking', () => {
    const doc = documentWith({ use_lockfile: false }, ['dynamodb_table']);
    expect(resolve({ STATE_LOCK_TABLE: 'acme-lock' }, doc).s3.dynamodbTable).toBe('acme-lock');
  });

  it('reports every problem at once', () => {
    const error = problemsOf(() =>
      resolve({ STATE_BUCKET: 'A', STATE_REGION: 'nowhere', STATE_LOCK_TABLE: '!' }),
    );
    expect(error.problems.map((p) => p.setting)).toEqual(
      expect.arrayContaining(['STATE_BUCKET', 'STATE_REGION', 'STATE_LOCK_TABLE']),
    );
    expect(error.message).toMatch(/^Invalid configuration \(\d+ problems\)/);
  });

  it.each<[string, unknown, string, string]>([
    ['an array', [], 'terraform-backend.tf.json', '[]'],
    ['no terraform block', { '//': 'x' }, 'terraform-backend.tf.json', '{"//":"x"}'],
    [
      'a non-object s3 block',
      { terraform: { backend: { s3: 'x' } } },
      'terraform-backend.tf.json',
      '{"terraform":{"backend":{"s3":"x"}}}',
    ],
  ])('refuses a document that is %s', (_name, document, setting, value) => {
    const error = problemsOf(() => resolve({}, document));
    expect(error.problems).toContainEqual({
      setting,
      value,
      rule: expect.stringContaining('{"terraform": {"backend": {"s3": {...}}}}'),
    });
  });

  it.each<[string, (doc: Record<string, Record<string, unknown>>) => void, string, string]>([
    ['top level', (d) => (d.locals = {}), 'terraform-backend.tf.json (top level)', 'locals'],
    [
      'terraform',
      (d) => (d.terraform.required_version = '1.11.4'),
      'terraform-backend.tf.json terraform',
      'required_version',
    ],
    [
      'terraform.backend',
      (d) => ((d.terraform.backend as Record<string, unknown>).local = {}),
      'terraform-backend.tf.json terraform.backend',
      'local',
    ],
  ])('refuses unexpected keys at the %s', (_level, change, setting, value) => {
    const doc = checkedInFile() as unknown as Record<string, Record<string, unknown>>;
    change(doc);
    const error = problemsOf(() => resolve({}, doc));
    expect(error.problems).toContainEqual({
      setting,
      value,
      rule: expect.stringMatching(/^unexpected key/),
    });
  });
});
