import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  base64Fragments,
  filesUnder,
  formatFindings,
  scanFiles,
  scanText,
  searchForms,
  secretsIn,
} from '../../../tools/e2e/secret-scan';

const PASSWORD = 'Zq8"x\\Lp3+/w9Kd!rT';
const SECRET = { label: 'rds master', value: PASSWORD };

describe('secretsIn', () => {
  test('a JSON secret yields the whole string and each secret-like key, not the user name', () => {
    const stored = JSON.stringify({ username: 'healthcare_admin', password: PASSWORD });
    const found = secretsIn('rds', stored);
    expect(found).toEqual([
      { label: 'rds', value: stored },
      { label: 'rds (password)', value: PASSWORD },
    ]);
  });

  test('a plain value is the secret; values shorter than 8 characters are dropped', () => {
    expect(secretsIn('token', 'abcdefghij')).toEqual([{ label: 'token', value: 'abcdefghij' }]);
    expect(secretsIn('short', 'abc')).toEqual([]);
    expect(secretsIn('nested', JSON.stringify([{ api_token: 'x' }]))).toEqual([
      { label: 'nested', value: '[{"api_token":"x"}]' },
    ]);
  });
});

describe('searchForms', () => {
  test('lists the value as is, JSON-escaped once and twice, URL-encoded, base64 and base64url', () => {
    const forms = searchForms(PASSWORD);
    const byForm = (f: string) => forms.filter((x) => x.form === f).map((x) => x.needle);
    expect(byForm('as is')).toEqual([PASSWORD]);
    expect(byForm('JSON-escaped')).toEqual(['Zq8\\"x\\\\Lp3+/w9Kd!rT']);
    expect(byForm('JSON-escaped twice')).toEqual(['Zq8\\\\\\"x\\\\\\\\Lp3+/w9Kd!rT']);
    expect(byForm('URL-encoded')).toEqual([encodeURIComponent(PASSWORD)]);
    expect(byForm('base64')).toHaveLength(3);
  });

  test('finds the value as Go encodes it in Terraform JSON (<, > and & as \\u003c, \\u003e, \\u0026)', () => {
    const secret = { label: 'pw', value: 'a<b>c&d-long-enough' };
    const terraformJson = '{"password":"a\\u003cb\\u003ec\\u0026d-long-enough"}';
    expect(scanText(terraformJson, 'plan.json', [secret]).map((f) => f.form)).toEqual([
      'JSON-escaped (Go, HTML-safe)',
    ]);
  });

  test('a value with nothing to escape is searched once for the identical forms', () => {
    const needles = searchForms('plainvalue123').map((f) => f.needle);
    expect(new Set(needles).size).toBe(needles.length);
    expect(needles.filter((n) => n === 'plainvalue123')).toHaveLength(1);
  });
});

describe('base64Fragments', () => {
  test('finds the value inside a larger base64 blob at every byte offset', () => {
    for (const prefix of ['', 'a', 'ab', 'abc', '{"password":"']) {
      const blob = Buffer.from(`${prefix}${PASSWORD}"}`).toString('base64');
      expect(base64Fragments(PASSWORD).some((f) => blob.includes(f))).toBe(true);
    }
  });

  test('gives no fragment for a value too short to encode 8 stable characters', () => {
    expect(base64Fragments('abcde')).toEqual([]);
  });
});

describe('scanText', () => {
  test('finds a planted secret as is, with its line', () => {
    const text = `line one\nAPPLY password=${PASSWORD} done\n`;
    expect(scanText(text, 'apply.log', [SECRET])).toEqual([
      { label: 'rds master', file: 'apply.log', line: 2, form: 'as is' },
    ]);
  });

  test('finds the JSON-escaped form inside a plan JSON and the base64 form inside a blob', () => {
    const plan = JSON.stringify({
      after: { secret_string: JSON.stringify({ password: PASSWORD }) },
    });
    const blob = `zip:${Buffer.from(`{"pw":"${PASSWORD}"}`).toString('base64')}`;
    const forms = scanText(`${plan}\n${blob}`, 'f', [SECRET]).map((f) => `${f.line}:${f.form}`);
    expect(forms).toEqual(expect.arrayContaining(['1:JSON-escaped twice', '2:base64']));
  });

  test('finds the base64url and URL-encoded forms', () => {
    // '?' and '>' encode to '/' and '+' in base64, '_' and '-' in base64url.
    const token = { label: 'token', value: '??>>??>>??>>??>>' };
    const url = Buffer.from(`xx${token.value}`).toString('base64url');
    const forms = scanText(`${url}\n?p=${encodeURIComponent(token.value)}`, 'f', [token]);
    expect(forms.map((f) => f.form)).toEqual(expect.arrayContaining(['base64url', 'URL-encoded']));
  });

  test('reports each line once per form, and nothing in clean text', () => {
    const twice = `${PASSWORD} ${PASSWORD}\n`;
    expect(scanText(twice, 'f', [SECRET])).toHaveLength(1);
    expect(scanText('nothing secret here\n', 'f', [SECRET])).toEqual([]);
  });
});

describe('scanFiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-scan-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('walks folders and files, counts what it read, and names file and line of a finding', () => {
    fs.mkdirSync(path.join(dir, 'logs'));
    fs.writeFileSync(path.join(dir, 'logs', 'deploy.log'), 'ok\n');
    fs.writeFileSync(path.join(dir, 'logs', 'apply.log'), `a\nb\n${PASSWORD}\n`);
    fs.writeFileSync(path.join(dir, 'outputs.json'), '{}');
    const result = scanFiles(
      [path.join(dir, 'logs'), path.join(dir, 'outputs.json'), path.join(dir, 'missing')],
      [SECRET],
    );
    expect(result.files).toBe(3);
    expect(result.bytes).toBe('ok\n'.length + 'a\nb\n'.length + PASSWORD.length + 1 + '{}'.length);
    expect(formatFindings(result.findings, dir)).toBe(
      `rds master: ${path.join('logs', 'apply.log')}:3 (as is)`,
    );
  });

  test("skips links and Terraform's working folders", () => {
    fs.mkdirSync(path.join(dir, 'run', '.terraform', 'providers'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'run', '.terraform', 'providers', 'binary'), 'x');
    fs.writeFileSync(path.join(dir, 'run', 'plan.json'), '{}');
    fs.mkdirSync(path.join(dir, 'elsewhere'));
    fs.writeFileSync(path.join(dir, 'elsewhere', 'big.bin'), 'y');
    fs.symlinkSync(path.join(dir, 'elsewhere'), path.join(dir, 'run', 'linked-dir'));
    fs.symlinkSync(path.join(dir, 'elsewhere', 'big.bin'), path.join(dir, 'run', 'linked-file'));
    expect(filesUnder([path.join(dir, 'run')])).toEqual([path.join(dir, 'run', 'plan.json')]);
  });

  test('lists each file once even when named twice', () => {
    fs.writeFileSync(path.join(dir, 'a.txt'), 'x');
    expect(filesUnder([dir, path.join(dir, 'a.txt')])).toEqual([path.join(dir, 'a.txt')]);
  });
});
