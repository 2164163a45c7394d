import {
  DUPLICATE_WINDOW_MS,
  INTERRUPT_MESSAGES,
  installInterrupts,
  interruptExitCode,
  Interrupts,
  InterruptChildren,
  Signal,
} from '../../../tools/core/interrupts';

/**
 * `clock.now` is the time of the next signal; by default each signal comes 5 s after the one
 * before (a person pressing Ctrl-C again), well outside the duplicate window.
 */
function harness(runningChildren: number, cleanup?: () => Promise<void>) {
  const clock = { now: 0, step: 5000 };
  const events: string[] = [];
  let running = runningChildren;
  const children: InterruptChildren = {
    forward: () => {
      events.push('forward');
      return running;
    },
    running: () => running,
    kill: () => {
      events.push('kill');
      running = 0;
    },
  };
  const interrupts = new Interrupts({
    children,
    write: (text) => events.push(`write:${text.trim().split(':')[0]}`),
    exit: (code) => events.push(`exit ${code}`),
    cleanup: cleanup ?? (async () => void events.push('cleanup')),
    now: () => {
      const at = clock.now;
      clock.now += clock.step;
      return at;
    },
  });
  return { interrupts, events, clock, stopChildren: () => (running = 0) };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('Interrupts', () => {
  it('forwards the first interrupt once to the running children and does not exit', async () => {
    const { interrupts, events } = harness(1);
    interrupts.handle('SIGINT');
    await flush();
    expect(events).toEqual(['forward', 'write:SIGINT received']);
    expect(interrupts.signal).toBe('SIGINT');
    expect(interrupts.abortSignal.aborted).toBe(true);
    expect(interrupts.exitCode(0)).toBe(130);
  });

  it('only warns on the second interrupt while a child still stops', async () => {
    const { interrupts, events } = harness(1);
    interrupts.handle('SIGINT');
    interrupts.handle('SIGINT');
    await flush();
    expect(events).toEqual([
      'forward',
      'write:SIGINT received',
      `write:${INTERRUPT_MESSAGES.warn.trim().split(':')[0]}`,
    ]);
    expect(events).not.toContain('kill');
  });

  it('forces on the third: kills every child, cleans up, exits with the first signal', async () => {
    const { interrupts, events } = harness(1);
    interrupts.handle('SIGTERM');
    interrupts.handle('SIGINT');
    interrupts.handle('SIGINT');
    await flush();
    expect(events.slice(3)).toEqual(['kill', 'write:Forced', 'cleanup', 'exit 143']);
  });

  it('forces on the second when no child is left stopping', async () => {
    const { interrupts, events, stopChildren } = harness(1);
    interrupts.handle('SIGINT');
    stopChildren();
    interrupts.handle('SIGINT');
    await flush();
    expect(events.slice(2)).toEqual(['kill', 'write:Forced', 'cleanup', 'exit 130']);
  });

  it('with nothing running, cleans up and exits at once', async () => {
    const { interrupts, events } = harness(0);
    interrupts.handle('SIGINT');
    await flush();
    expect(events).toEqual(['forward', 'write:SIGINT received', 'cleanup', 'exit 130']);
  });

  it('exits even when the cleanup fails', async () => {
    const { interrupts, events } = harness(0, async () => {
      throw new Error('emulator gone');
    });
    interrupts.handle('SIGTERM');
    await flush();
    expect(events).toContain('exit 143');
  });

  it("counts npm's forwarded copy of a Ctrl-C (the same signal 10 ms later) as the same interrupt", async () => {
    const { interrupts, events, clock } = harness(1);
    clock.step = 10;
    interrupts.handle('SIGINT');
    interrupts.handle('SIGINT');
    await flush();
    expect(events).toEqual(['forward', 'write:SIGINT received']);
  });

  it('counts the same signal one millisecond inside the window once, and at the window as a second', async () => {
    const inside = harness(1);
    inside.clock.step = DUPLICATE_WINDOW_MS - 1;
    inside.interrupts.handle('SIGINT');
    inside.interrupts.handle('SIGINT');
    await flush();
    expect(inside.events).toEqual(['forward', 'write:SIGINT received']);

    const at = harness(1);
    at.clock.step = DUPLICATE_WINDOW_MS;
    at.interrupts.handle('SIGINT');
    at.interrupts.handle('SIGINT');
    await flush();
    expect(at.events).toEqual([
      'forward',
      'write:SIGINT received',
      `write:${INTERRUPT_MESSAGES.warn.trim().split(':')[0]}`,
    ]);
  });

  it('measures the window from the last interrupt counted, not from the copies ignored', async () => {
    const { interrupts, events, clock } = harness(1);
    clock.step = 600;
    // At 0 (counted), 600 (a copy), 1200 (counted: 1200 ms after the first), 1800 (a copy).
    for (let i = 0; i < 4; i++) interrupts.handle('SIGINT');
    await flush();
    expect(events).toEqual([
      'forward',
      'write:SIGINT received',
      `write:${INTERRUPT_MESSAGES.warn.trim().split(':')[0]}`,
    ]);
  });

  it('counts another signal inside the window: SIGTERM after SIGINT is a second interrupt', async () => {
    const { interrupts, events, clock } = harness(1);
    clock.step = 10;
    interrupts.handle('SIGINT');
    interrupts.handle('SIGTERM');
    await flush();
    expect(events).toEqual([
      'forward',
      'write:SIGINT received',
      `write:${INTERRUPT_MESSAGES.warn.trim().split(':')[0]}`,
    ]);
    expect(interrupts.exitCode(0)).toBe(130);
  });

  it('keeps the code of a run that was not interrupted', () => {
    expect(harness(0).interrupts.exitCode(2)).toBe(2);
    expect(interruptExitCode('SIGINT')).toBe(130);
    expect(interruptExitCode('SIGTERM')).toBe(143);
  });
});

describe('installInterrupts', () => {
  it('listens to SIGINT and SIGTERM until uninstalled', () => {
    const listeners = new Map<Signal, () => void>();
    const source = {
      on: (event: Signal, listener: () => void) => listeners.set(event, listener),
      removeListener: (event: Signal) => listeners.delete(event),
    };
    const children: InterruptChildren = { forward: () => 1, running: () => 1, kill: () => {} };
    const { interrupts, uninstall } = installInterrupts(
      { children, write: () => {}, exit: () => {} },
      source,
    );
    expect([...listeners.keys()]).toEqual(['SIGINT', 'SIGTERM']);
    listeners.get('SIGTERM')!();
    expect(interrupts.signal).toBe('SIGTERM');
    uninstall();
    expect(listeners.size).toBe(0);
  });
});
