/** Stops the emulator global-setup.ts started, and removes its log unless the run failed. */
import * as fs from 'node:fs';
import type { Emulator } from '../emulator';

export default async function globalTeardown(): Promise<void> {
  const emulator = (globalThis as { emulatorUnderTest?: Emulator }).emulatorUnderTest;
  const errors = emulator?.errors() ?? [];
  await emulator?.stop();
  const log = process.env.EMULATOR_TEST_LOG;
  if (errors.length > 0) {
    process.stderr.write(`emulator 5xx answers (log kept: ${log}):\n  ${errors.join('\n  ')}\n`);
  } else if (log) {
    fs.rmSync(log, { force: true });
  }
}
