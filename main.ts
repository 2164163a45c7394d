import { synthesizeApp } from './stacks/app';

// cdktf.json's app: every stack, from the settings in the environment (stacks/app.ts).
// Bad input prints one message, exits 1 and writes nothing.
const result = synthesizeApp({ env: process.env });
if (!result.ok) {
  process.stderr.write(`${result.message}\n`);
  process.exitCode = 1;
}
