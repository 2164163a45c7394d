import {
  CommandError,
  describeExit,
  mapLimit,
  quote,
  run,
  runningChildren,
  stripAnsi,
  tail,
} from '../../../tools/core/process';

describe('process helpers', () => {
  it('quotes command lines, strips colours and keeps the tail', () => {
    expect(quote('terraform', ['plan', '-out=a b'])).toBe('terraform plan "-out=a b"');
    expect(stripAnsi('\u001b[31mError\u001b[0m')).toBe('Error');
    expect(tail('a\nb\nc\n', 2)).toBe('b\nc');
  });

  it('maps with a concurrency limit, keeping order', async () => {
    let running = 0;
    let peak = 0;
    const result = await mapLimit([3, 1, 2], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(result).toEqual([30, 10, 20]);
    expect(peak).toBe(2);
  });
});

describe('an interrupt reaches a running child once, and the run waits for it', () => {
  it('delivers one SIGINT to a terraform-like child, which finishes its work and exits', async () => {
    // Counts the SIGINTs it gets; on the first it "saves state" for 200 ms, then exits 1.
    const script = [
      'n=0; trap \'n=$((n+1)); echo "sigint $n"; if [ $n -eq 1 ]; then sleep 0.2; echo saved; exit 1; fi\' INT',
      'echo started',
      'while :; do sleep 0.05; done',
    ].join('\n');
    // The unit tests share one process: no other file's child may be running (it would be
    // signalled too, and counted).
    expect(runningChildren.running()).toBe(0);
    const running = run('sh', ['-c', script], { stopSignal: 'SIGINT' });
    // Wait until it runs, then interrupt twice as a terminal and a CI runner might.
    while (runningChildren.running() === 0) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    expect(runningChildren.forward()).toBe(1);
    expect(runningChildren.forward()).toBe(1); // already forwarded: nothing sent again
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    const result = (error as CommandError).result;
    expect(result.stdout).toBe('started\nsigint 1\nsaved\n');
    expect(result.code).toBe(1);
    expect(runningChildren.running()).toBe(0);
  });

  it('names the signal that ended a child instead of a bare exit code', async () => {
    const error = await run('sh', ['-c', 'kill -KILL $$']).catch((e: Error) => e);
    expect(String(error)).toMatch(
      /^CommandError: sh -c "kill -KILL \$\$" was stopped by SIGKILL \(killed\)/,
    );
    expect(describeExit({ code: 1 })).toBe('exited with 1');
    expect(describeExit({ code: 130, signal: 'SIGINT' })).toBe(
      'was stopped by SIGINT (interrupted)',
    );
    expect(describeExit({ code: 129, signal: 'SIGHUP' })).toBe('was stopped by SIGHUP');
  });
});

describe('onLine', () => {
  it('sees every output line, stripped of colour, with the child pid, without echo', async () => {
    const seen: string[] = [];
    let pid = 0;
    const result = await run(
      'sh',
      ['-c', 'printf "\\033[32mone\\033[0m\\ntwo\\n" ; echo three >&2'],
      {
        onLine: (line, p) => {
          seen.push(line);
          pid = p;
        },
      },
    );
    expect(seen).toEqual(['one', 'two', 'three']);
    expect(pid).toBeGreaterThan(1);
    expect(result.stdout).toBe('\u001b[32mone\u001b[0m\ntwo\n');
  });

  it('lets a caller stop the child on cue (the e2e fault drill interrupts an apply so)', async () => {
    const error = await run('sh', ['-c', 'echo creating; sleep 30; echo done'], {
      onLine: (line, p) => {
        // The child's whole process group, as the fault drill stops a lost runner.
        if (line === 'creating') process.kill(-p, 'SIGKILL');
      },
    }).catch((e: unknown) => e);
    expect((error as CommandError).result.signal).toBe('SIGKILL');
    expect((error as CommandError).result.stdout).toBe('creating\n');
  });
});
