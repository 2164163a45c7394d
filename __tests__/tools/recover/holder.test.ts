import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunRecord } from '../../../tools/deploy';
import {
  isInside,
  isStackFolder,
  judgeHolder,
  parseWho,
  RunOnDisk,
  terraformProcesses,
} from '../../../tools/recover/holder';
import { DRILL_LOCK } from './fixtures';

const RUNS = '/repo/cdktf.out/runs';
const run = (id: string, record: Partial<RunRecord> = {}): RunOnDisk => ({
  dir: `${RUNS}/${id}`,
  record: {
    id,
    command: 'deploy',
    stack: 'TapStackdev',
    pid: 4242,
    host: 'vm',
    startedAt: '2026-12-07T07:52:26.000Z',
    ...record,
  },
});
const base = {
  stack: 'TapStackdev',
  host: 'vm',
  runs: [] as RunOnDisk[],
  processes: [],
  alive: () => false,
};

describe('who holds the lock', () => {
  test('parseWho splits at the last @', () => {
    expect(parseWho('root@vm')).toEqual({ user: 'root', host: 'vm' });
    expect(parseWho('ci@runner@host-1')).toEqual({ user: 'ci@runner', host: 'host-1' });
    expect(parseWho('nobody')).toEqual({ user: 'nobody', host: '' });
  });

  test('isInside: the folder itself and below, not a sibling with the same prefix', () => {
    expect(isInside('/a/run-1', '/a/run-1')).toBe(true);
    expect(isInside('/a/run-1/cdktf.out/stacks/X', '/a/run-1')).toBe(true);
    expect(isInside('/a/run-1/x', '/a/run-1/')).toBe(true);
    expect(isInside('/a/run-10', '/a/run-1')).toBe(false);
  });

  test('isStackFolder: …/stacks/<stack> and below, only that stack', () => {
    expect(isStackFolder('/repo/cdktf.out/stacks/TapStackdev', 'TapStackdev')).toBe(true);
    expect(isStackFolder('/repo/cdktf.out/stacks/TapStackdev/.terraform', 'TapStackdev')).toBe(
      true,
    );
    expect(isStackFolder('/repo/cdktf.out/stacks/TapStackdevx', 'TapStackdev')).toBe(false);
    expect(isStackFolder('/repo/TapStackdev', 'TapStackdev')).toBe(false);
  });
});

describe('judgeHolder', () => {
  test('a lock from another host is remote: who to ask, never judged alive or gone', () => {
    const verdict = judgeHolder({ ...DRILL_LOCK, Who: 'runner@ci-42' }, base);
    expect(verdict.kind).toBe('remote');
    expect(verdict).toMatchObject({ host: 'ci-42' });
    expect(verdict.evidence).toEqual([
      'the lock was taken on ci-42, not on this machine (vm): nothing here can tell whether that run still works.',
      'Ask runner on ci-42 (or look at the CI job that ran "OperationTypeApply" since 2026-12-07T07:53:57.545307888Z) before anyone releases it.',
    ]);
  });

  test('a lock that names no host is remote too', () => {
    const verdict = judgeHolder({ ...DRILL_LOCK, Who: '' }, base);
    expect(verdict.kind).toBe('remote');
    expect(verdict.evidence[0]).toBe(
      'the lock names no host (Who ""): nothing here can tell whether that run still works.',
    );
    expect(verdict.evidence[1]).toMatch(/^Ask its owner \(or look/);
  });

  test('host names compare without case', () => {
    expect(judgeHolder({ ...DRILL_LOCK, Who: 'root@VM' }, base).kind).toBe('gone');
  });

  test('a run folder of the stack whose process runs: alive', () => {
    const runs = [run('r1', { pid: 4242 }), run('r2', { pid: 5151 })];
    const verdict = judgeHolder(DRILL_LOCK, { ...base, runs, alive: (pid) => pid === 5151 });
    expect(verdict).toEqual({
      kind: 'alive',
      evidence: [
        'run r2 (npm run deploy, pid 5151, since 2026-12-07T07:52:26.000Z) is still running',
      ],
    });
  });

  test('runs of another stack or recorded on another host do not count', () => {
    const runs = [run('r1', { stack: 'TapStackprod' }), run('r2', { host: 'other' })];
    expect(judgeHolder(DRILL_LOCK, { ...base, runs, alive: () => true }).kind).toBe('gone');
  });

  test('a terraform process working in a run folder of the stack: alive', () => {
    const runs = [run('r1')];
    const processes = [
      {
        pid: 77,
        argv: ['terraform', 'apply', 'tfplan'],
        cwd: `${RUNS}/r1/cdktf.out/stacks/TapStackdev`,
      },
      { pid: 78, argv: ['terraform', 'plan'], cwd: undefined },
    ];
    expect(judgeHolder(DRILL_LOCK, { ...base, runs, processes })).toEqual({
      kind: 'alive',
      evidence: [
        `terraform pid 77 (apply tfplan) works in ${RUNS}/r1/cdktf.out/stacks/TapStackdev`,
      ],
    });
  });

  test('a terraform process in the stack folder of any checkout (cdktf deploy): alive', () => {
    const processes = [
      {
        pid: 9,
        argv: ['/usr/bin/terraform', 'apply'],
        cwd: '/home/x/repo/cdktf.out/stacks/TapStackdev',
      },
    ];
    expect(judgeHolder(DRILL_LOCK, { ...base, processes }).kind).toBe('alive');
    const other = [
      { pid: 9, argv: ['terraform', 'apply'], cwd: '/home/x/repo/cdktf.out/stacks/TapStackprod' },
    ];
    expect(judgeHolder(DRILL_LOCK, { ...base, processes: other }).kind).toBe('gone');
  });

  test('gone: says what was checked', () => {
    const verdict = judgeHolder(DRILL_LOCK, {
      ...base,
      runs: [run('r1'), run('r2')],
      processes: [{ pid: 1, argv: ['terraform'], cwd: '/x' }],
    });
    expect(verdict).toEqual({
      kind: 'gone',
      evidence: [
        '2 run folder(s) of TapStackdev on vm: none of their processes runs',
        '1 terraform process(es) on this machine: none works on TapStackdev',
      ],
    });
  });

  test('without /proc only the run folders are checked, and the verdict says so', () => {
    const verdict = judgeHolder(DRILL_LOCK, { ...base, processes: undefined });
    expect(verdict.kind).toBe('gone');
    expect(verdict.evidence[1]).toBe(
      'terraform processes could not be listed here (no /proc): only the run folders were checked',
    );
  });
});

describe('terraformProcesses', () => {
  test('reads terraform processes, their arguments and working folders from a /proc tree', () => {
    const proc = fs.mkdtempSync(path.join(os.tmpdir(), 'recover-proc-'));
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'recover-cwd-'));
    const add = (pid: string, argv: string[], cwd?: string) => {
      fs.mkdirSync(path.join(proc, pid));
      fs.writeFileSync(path.join(proc, pid, 'cmdline'), `${argv.join('\0')}\0`);
      if (cwd) fs.symlinkSync(cwd, path.join(proc, pid, 'cwd'));
    };
    add('100', ['/usr/local/bin/terraform', 'apply', '-input=false', 'tfplan'], work);
    add('101', ['node', 'deploy.js'], work);
    add('102', ['terraform', 'plan']); // cwd unreadable
    add('103', []); // kernel thread: empty cmdline
    fs.mkdirSync(path.join(proc, '104')); // gone meanwhile: no cmdline
    fs.writeFileSync(path.join(proc, 'uptime'), '1 2');
    const found = terraformProcesses(proc)!.sort((a, b) => a.pid - b.pid);
    expect(found).toEqual([
      {
        pid: 100,
        argv: ['/usr/local/bin/terraform', 'apply', '-input=false', 'tfplan'],
        cwd: work,
      },
      { pid: 102, argv: ['terraform', 'plan'], cwd: undefined },
    ]);
    fs.rmSync(proc, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('no /proc (macOS, Windows): undefined', () => {
    expect(terraformProcesses(path.join(os.tmpdir(), 'no-such-proc'))).toBeUndefined();
  });
});
