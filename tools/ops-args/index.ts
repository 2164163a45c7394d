/**
 * The command line of plan, deploy, drift, recover and sandbox (options, usage, --help and a
 * wrong option), loadable without what those commands load.
 */
export * from './command-line';
