/**
 * Monthly cost: the dated, cited price table (price-table, prices.json), the estimate of a
 * synthesized stack or one side of a plan (estimate, resources, usage), a plan's monthly delta
 * for the plan review (plan-delta), the cost command's text (report, cli) and the table's
 * rebuild from the AWS Price List (price-list, refresh). Commands: cost.command.ts,
 * refresh.command.ts.
 */
export * from './estimate';
export * from './free-types';
export * from './plan-delta';
export * from './price-list';
export * from './price-table';
export * from './refresh';
export * from './resources';
export * from './usage';
