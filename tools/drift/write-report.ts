/**
 * The drift check from files, for the `npm run drift` command: reads the plan JSON
 * (`terraform show -json <refresh-only plan>`), writes the Markdown report and returns the
 * report with its exit code (0 clean, 2 drifted). An unreadable plan throws
 * (PlanFormatError of tools/review): the command's exit 1.
 *
 *   const { exitCode } = writeDriftReport({ planJson: 'drift/plan.json', out: 'drift.md',
 *     stack: 'TapStackdev', environment: 'dev', allow: emulator ? EMULATOR_DRIFT_ALLOW_LIST : [] });
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readPlanFile } from '../review';
import { DriftOptions, DriftReport, driftExitCode, driftReport } from './drift';
import { formatDriftReport } from './drift-markdown';

export interface WriteDriftReportOptions extends DriftOptions {
  /** The plan JSON file. */
  readonly planJson: string;
  /** Where the Markdown report goes (its folder is created). */
  readonly out: string;
}

export function writeDriftReport(options: WriteDriftReportOptions): {
  report: DriftReport;
  markdown: string;
  exitCode: number;
} {
  const report = driftReport(readPlanFile(options.planJson), options);
  const markdown = formatDriftReport(report);
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, markdown);
  return { report, markdown, exitCode: driftExitCode(report) };
}
