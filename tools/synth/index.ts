/** The app as cdktf.json runs it: run-app.cjs (the app command) and runApp (it, in a child process). */
export * from './synth';
export * from './framework';
export * from './framework-switch';
