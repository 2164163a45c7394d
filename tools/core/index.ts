/**
 * The shared core every tool folder may use: process execution, phase timing, the
 * Terraform provider mirror and CLI config, the Terraform runner, and text tables.
 * Nothing here knows about a particular tool.
 */
export * from './command';
export * from './phases';
export * from './process';
export * from './terraform';
export * from './terraform-commands';
export * from './text-table';
export * from './interrupts';
