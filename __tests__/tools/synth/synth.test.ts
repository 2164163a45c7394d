import type { SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_RUNNER, runApp } from '../../../tools/synth';

// The real spawnSync unless a test stubs one call (the failure paths): a spy on the node
// module object itself, which synth.ts reads at call time.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const childProcess = require('node:child_process') as typeof import('node:child_process');

describe('runApp', () => {
  test('runs main.ts through run-app.cjs in the project folder, with the given environment and CDKTF_OUTDIR', () => {
    // A project of its own outside the repository (a file written inside it would race the
    // concurrent lint of `npm test`): its main.ts records what the app command gave it.
    const project = mkdtempSync(join(tmpdir(), 'run-app-'));
    try {
      writeFileSync(
        join(project, 'main.ts'),
        `const fs = require('node:fs');
         const out = process.env.CDKTF_OUTDIR as string;
         fs.mkdirSync(out, { recursive: true });
         fs.writeFileSync(out + '/seen.json', JSON.stringify({ cwd: process.cwd(), mode: process.env.MODE }));
         process.stderr.write('NOTE: only TapStateBackend was synthesized.\\n');`,
      );
      const outdir = join(project, 'out');
      const passed: string[] = [];
      runApp({
        projectDir: project,
        outdir,
        env: { MODE: 'ok', CDKTF_OUTDIR: '/elsewhere' },
        stderr: (text) => passed.push(text),
      });
      expect(JSON.parse(readFileSync(join(outdir, 'seen.json'), 'utf8'))).toEqual({
        cwd: project,
        mode: 'ok',
      });
      // The app succeeded: its note reaches the caller, once, as it wrote it.
      expect(passed).toEqual(['NOTE: only TapStateBackend was synthesized.\n']);
      expect(APP_RUNNER).toBe(join(__dirname, '..', '..', '..', 'tools', 'synth', 'run-app.cjs'));
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 30000);

  test("a successful app's stderr goes to this process's stderr by default; nothing when it wrote none", () => {
    const spawn = jest.spyOn(childProcess, 'spawnSync');
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const result = (stderr: string) =>
      ({
        pid: 1,
        output: [],
        signal: null,
        status: 0,
        stdout: '',
        stderr,
      }) as SpawnSyncReturns<string>;
    try {
      spawn.mockReturnValueOnce(result('NOTE: only TapStateBackend was synthesized.\n'));
      runApp({ projectDir: '/p', outdir: '/o', env: {} });
      expect(write.mock.calls).toEqual([['NOTE: only TapStateBackend was synthesized.\n']]);

      write.mockClear();
      spawn.mockReturnValueOnce(result(''));
      const passed: string[] = [];
      runApp({ projectDir: '/p', outdir: '/o', env: {}, stderr: (text) => passed.push(text) });
      expect(passed).toEqual([]);
      expect(write).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
      spawn.mockRestore();
    }
  });

  test('a failing app throws with its exit status and stderr, else its stdout', () => {
    const spawn = jest.spyOn(childProcess, 'spawnSync');
    const result = (status: number | null, stdout: string, stderr: string) =>
      ({ pid: 1, output: [], signal: null, status, stdout, stderr }) as SpawnSyncReturns<string>;
    try {
      spawn.mockReturnValueOnce(result(3, 'progress', 'Error: bad VPC_CIDR'));
      expect(() => runApp({ projectDir: '/p', outdir: '/o', env: {} })).toThrow(
        'synthesis failed (node tools/synth/run-app.cjs main.ts, exit 3):\nError: bad VPC_CIDR',
      );
      spawn.mockReturnValueOnce(result(null, 'killed while synthesizing', ''));
      expect(() => runApp({ projectDir: '/p', outdir: '/o', env: {} })).toThrow(
        'synthesis failed (node tools/synth/run-app.cjs main.ts, exit null):\nkilled while synthesizing',
      );
      expect(spawn.mock.lastCall).toEqual([
        process.execPath,
        [APP_RUNNER, 'main.ts'],
        { cwd: '/p', env: { CDKTF_OUTDIR: '/o' }, encoding: 'utf8' },
      ]);
    } finally {
      spawn.mockRestore();
    }
  });
});
