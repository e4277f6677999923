/** A plain-text table of latency summaries, aligned for a terminal. */
import type { LatencySummary } from './latency-stats.js';

export interface TableRow {
  readonly label: string;
  readonly summary: LatencySummary;
}

const COLUMNS = ['n', 'min', 'p50', 'p90', 'p99', 'max'] as const;

/**
 * Rows of cells as aligned lines, two spaces apart: the first column padded on the right (labels),
 * the others on the left (figures).
 */
export function alignRows(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] ?? []).map((_, index) => Math.max(...rows.map((row) => row[index]?.length ?? 0)));
  return rows.map((row) =>
    row
      .map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!)))
      .join('  '),
  );
}

export function formatTable(title: string, rows: readonly TableRow[]): string {
  const cells = rows.map((row) => [
    row.label,
    ...COLUMNS.map((column) =>
      column === 'n' ? String(row.summary.n) : `${row.summary[column].toFixed(2)} ms`,
    ),
  ]);
  return [title, ...alignRows([['', ...COLUMNS], ...cells])].join('\n');
}
