/**
 * Fitting output to a terminal. A line wider than the terminal wraps onto a second row, and a
 * redraw that moves up one row per line then leaves the extra rows behind, once per redraw: so
 * every live line is cut to the width, and the redraw still counts rows, not lines, in case the
 * terminal was narrowed since.
 */

/** Width assumed when the output is not a terminal (a log, a pipe, CI). */
export const DEFAULT_COLUMNS = 80;

export interface TerminalStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * The columns to fit: the terminal's own width on a TTY, 80 otherwise.
 *
 * @example terminalWidth({ isTTY: true, columns: 120, write() {} }) // 120
 */
export function terminalWidth(stream: TerminalStream): number {
  const columns = stream.isTTY ? stream.columns : undefined;
  return columns !== undefined && columns > 0 ? columns : DEFAULT_COLUMNS;
}

/** Columns a text takes, counted in code points (jobwatch prints no wide characters of its own). */
export function displayWidth(text: string): number {
  return Array.from(text).length;
}

/**
 * Cuts a line to `width` columns, ending in `…` when something was cut; line breaks and tabs
 * (a vendor message with newlines) become one space first, while the padding of columns stays.
 *
 * @example fitLine('RUNNING 40% vendor: transcoding the second reel', 20) // 'RUNNING 40% vendor:…'
 */
export function fitLine(text: string, width: number): string {
  const flat = text.replace(/[\r\n\t\f\v]+/g, ' ').trimEnd();
  const characters = Array.from(flat);
  if (characters.length <= width) return flat;
  if (width <= 1) return '…'.slice(0, Math.max(0, width));
  return `${characters.slice(0, width - 1).join('')}…`;
}

/**
 * Breaks a text into lines of at most `width` columns at spaces; continuation lines start with
 * `indent`. A word longer than a line (a URL) is cut with `…` rather than broken.
 *
 * @example wrapText('jw-1 FAILED: the transcoder gave up', 16, '  ') // ['jw-1 FAILED: the', '  transcoder', '  gave up']
 */
export function wrapText(text: string, width: number, indent = ''): string[] {
  const words = text.replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const prefix = lines.length === 0 ? '' : indent;
    const candidate = line ? `${line} ${word}` : `${prefix}${word}`;
    if (displayWidth(candidate) <= width || !line) {
      line = candidate;
    } else {
      lines.push(line);
      line = `${indent}${word}`;
    }
  }
  if (line) lines.push(line);
  return lines.map((wrapped) => fitLine(wrapped, width));
}

/** Rows a line of `length` columns takes on a terminal `columns` wide (an empty line takes one). */
export function rowsOf(length: number, columns: number): number {
  return Math.max(1, Math.ceil(length / Math.max(1, columns)));
}

/**
 * A block of lines redrawn in place at the bottom of a terminal, with lines printed above it that
 * stay (events, notes). Lines are cut to one column less than the width, so each takes exactly
 * one row even on terminals that wrap as soon as the last column is written.
 */
export class LiveBlock {
  private drawnLengths: number[] = [];

  constructor(private readonly stream: TerminalStream) {}

  /** Replaces the block with `lines`; `above` are printed once, above it, and scroll away. */
  render(lines: readonly string[], above: readonly string[] = []): void {
    const columns = terminalWidth(this.stream);
    const fitted = lines.map((line) => fitLine(line, columns - 1));
    const kept = above.map((line) => fitLine(line, columns - 1));
    // Rows under the width the terminal has now: a narrowed terminal re-wraps what was drawn.
    const rows = this.drawnLengths.reduce((sum, length) => sum + rowsOf(length, columns), 0);
    const up = rows > 0 ? `\r\x1b[${rows}A\x1b[J` : '';
    const text = [...kept, ...fitted].map((line) => `${line}\n`).join('');
    this.stream.write(`${up}${text}`);
    this.drawnLengths = fitted.map(displayWidth);
  }

  /** Leaves the block as it is on the screen; the next render starts below it. */
  release(): void {
    this.drawnLengths = [];
  }
}
