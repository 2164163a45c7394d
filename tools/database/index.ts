/** db:setup's logic, for the readiness harness (tools/app-test). */
export * from './setup';
