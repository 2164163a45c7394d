/** Plain-text tables for terminal reports (preflight, plan guard). */
/** A fixed-width text table; a cell may hold several lines. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const split = [headers, ...rows].map((r) => r.map((cell) => cell.split('\n')));
  const widths = headers.map((_, i) =>
    Math.max(...split.map((r) => Math.max(...r[i].map((l) => l.length)))),
  );
  const out: string[] = [];
  split.forEach((row, r) => {
    const height = Math.max(...row.map((cell) => cell.length));
    for (let line = 0; line < height; line++) {
      out.push(
        row
          .map((cell, i) => (cell[line] ?? '').padEnd(i === row.length - 1 ? 0 : widths[i]))
          .join('  ')
          .trimEnd(),
      );
    }
    if (r === 0) out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  });
  return out.join('\n');
}
