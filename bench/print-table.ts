/**
 * A plain text table for the benchmarks: each column as wide as its widest cell, two spaces
 * between columns, a dashed rule under the header.
 *
 * @example printTable(['vendor', 'polls'], [['okast', '12']]);
 */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}
