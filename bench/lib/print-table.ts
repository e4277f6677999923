/** A plain-text table of latency summaries, aligned for a terminal. */
import type { LatencySummary } from './latency-stats.js';

export interface TableRow {
  readonly label: string;
  readonly summary: LatencySummary;
}

const COLUMNS = ['n', 'min', 'p50', 'p90', 'p99', 'max'] as const;

export function formatTable(title: string, rows: readonly TableRow[]): string {
  const cells = rows.map((row) => [
    row.label,
    ...COLUMNS.map((column) =>
      column === 'n' ? String(row.summary.n) : `${row.summary[column].toFixed(2)} ms`,
    ),
  ]);
  const header = ['', ...COLUMNS];
  const widths = header.map((text, index) =>
    Math.max(text.length, ...cells.map((row) => row[index]?.length ?? 0)),
  );
  const line = (row: readonly string[]): string =>
    row
      .map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!)))
      .join('  ');
  return [title, line(header), ...cells.map(line)].join('\n');
}
