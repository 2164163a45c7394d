/** Summaries and the Markdown table the benchmark prints. */

export interface Sample {
  readonly seconds: number;
  readonly peakRssMiB: number;
}

export interface Row {
  readonly name: string;
  readonly samples: readonly Sample[];
  /** Name of the row this one is compared with (ratio column). */
  readonly baseline?: string;
  readonly note?: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(samples: readonly Sample[]): { seconds: number; peakRssMiB: number } {
  return {
    seconds: median(samples.map((s) => s.seconds)),
    peakRssMiB: Math.max(...samples.map((s) => s.peakRssMiB)),
  };
}

/** Marginal cost of one more stack, from medians at two stack counts. */
export function perAddedStack(
  few: { stacks: number; seconds: number },
  many: { stacks: number; seconds: number },
): number {
  if (many.stacks <= few.stacks) throw new RangeError('need more stacks in the second run');
  return (many.seconds - few.seconds) / (many.stacks - few.stacks);
}

export function renderTable(rows: readonly Row[]): string {
  const byName = new Map(rows.map((r) => [r.name, summarize(r.samples)]));
  const lines = [
    '| measurement | runs | median wall | peak RSS | vs. | note |',
    '| --- | ---: | ---: | ---: | --- | --- |',
  ];
  for (const row of rows) {
    const s = byName.get(row.name)!;
    const base = row.baseline ? byName.get(row.baseline) : undefined;
    const ratio = base
      ? `${((100 * s.seconds) / base.seconds).toFixed(0)}% of ${row.baseline}`
      : '';
    lines.push(
      `| ${row.name} | ${row.samples.length} | ${s.seconds.toFixed(2)} s | ${s.peakRssMiB.toFixed(0)} MiB | ${ratio} | ${row.note ?? ''} |`,
    );
  }
  return lines.join('\n');
}
