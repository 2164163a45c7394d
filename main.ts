import { synthesizeApp } from './stacks/app';

// cdktf.json's app: every stack, from the settings in the environment (stacks/app.ts).
// Bad input prints one message, exits 1 and writes nothing.
const result = synthesizeApp({ env: process.env });
// Central state before STATE_KMS_KEY_ARN is known: the bootstrap alone, and why.
if (result.ok && result.note) process.stderr.write(`${result.note}\n`);
if (!result.ok) {
  process.stderr.write(`${result.message}\n`);
  process.exitCode = 1;
}
