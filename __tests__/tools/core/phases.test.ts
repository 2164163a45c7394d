import {
  formatDuration,
  formatPhaseTable,
  PhaseError,
  PhaseTimer,
} from '../../../tools/core/phases';

describe('phase timer', () => {
  it('formats durations', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
  });

  it('times phases, records notes, skips and names the failed phase', async () => {
    let t = 0;
    const lines: string[] = [];
    const timer = new PhaseTimer({ now: () => t, write: (l) => lines.push(l) });
    await timer.run('deploy', (note) => {
      t += 2000;
      note('42 resources');
    });
    timer.skip('lock', 'no table');
    await expect(
      timer.run('destroy', () => {
        t += 500;
        throw new Error('boom');
      }),
    ).rejects.toEqual(
      expect.objectContaining({
        name: 'PhaseError',
        phase: 'destroy',
        message: 'phase "destroy" failed: boom',
      }),
    );
    expect(timer.failed?.name).toBe('destroy');
    expect(lines).toEqual([
      '==> deploy',
      '<== deploy: ok in 2.0 s (42 resources)',
      '--- lock: skipped (no table)',
      '==> destroy',
      '<== destroy: FAILED after 500 ms',
    ]);
    expect(timer.summary()).toEqual([
      '  deploy   ok            2.0 s  42 resources',
      '  lock     skipped           -  no table',
      '  destroy  FAILED       500 ms',
      '  total                  2.5 s',
    ]);
  });

  it('keeps a PhaseError from a nested phase as it is', async () => {
    const timer = new PhaseTimer({ write: () => undefined });
    const inner = new PhaseError('inner', new Error('x'));
    await expect(timer.run('outer', () => Promise.reject(inner))).rejects.toBe(inner);
    expect(formatPhaseTable([], 0)).toEqual(['  total                 0 ms']);
  });
});
