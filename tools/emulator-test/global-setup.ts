/**
 * `npm run test:emulator`: one emulator (tools/emulator, moto with the project's extensions)
 * for the whole run. Its endpoint reaches the tests as EMULATOR_TEST_ENDPOINT (jest runs them
 * in this process, in band); global-teardown.ts stops it.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../emulator';
import { EMULATOR_TEST_REGION } from './emulator-clients';

export default async function globalSetup(): Promise<void> {
  const logFile = path.join(os.tmpdir(), `emulator-test-${process.pid}.log`);
  const emulator = await startEmulator({ region: EMULATOR_TEST_REGION, logFile });
  (globalThis as { emulatorUnderTest?: Emulator }).emulatorUnderTest = emulator;
  process.env.EMULATOR_TEST_ENDPOINT = emulator.endpoint;
  process.env.EMULATOR_TEST_LOG = logFile;
}
