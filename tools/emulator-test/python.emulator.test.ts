/**
 * The extensions' pure decisions (data protection documents, subnet sizes, Lambda's minimum,
 * engine version matching, cross-account policy evaluation, ModifyUser's authentication, a
 * cache subnet group's new subnets, trust policies and web identity tokens, the cache engine
 * and node catalog's filters and pages) tested in Python, without a server:
 * tools/emulator/test_moto_rules.py, with the Python that runs the emulator.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { findMotoPython } from '../emulator';

describe("the extensions' pure decisions (python3 -m unittest test_moto_rules)", () => {
  it('pass, all 33', () => {
    const result = spawnSync(findMotoPython(), ['-m', 'unittest', '-v', 'test_moto_rules'], {
      cwd: path.resolve(__dirname, '..', 'emulator'),
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(result.stderr).toMatch(/^Ran 33 tests in /m);
    expect(result.stderr).toMatch(/^OK$/m);
    expect(result.status).toBe(0);
  });
});
