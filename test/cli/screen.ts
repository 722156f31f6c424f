/**
 * A small model of a terminal screen (xterm's rules for the sequences jobwatch writes): text
 * auto-wraps at the last column, `\n` is a new line as a TTY's output processing makes it,
 * the cursor moves up no further than the top of the visible screen, and `ESC[J` / `ESC[K`
 * erase. It shows what a user would be left looking at after a run of redraws.
 */
export class Screen {
  private readonly lines: string[][] = [[]];
  private row = 0;
  private column = 0;
  private pendingWrap = false;

  constructor(
    readonly columns: number,
    readonly height = 24,
  ) {}

  /** The rows as they read now, trailing blanks trimmed, trailing empty rows dropped. */
  text(): string[] {
    const rows = this.lines.map((cells) => cells.join('').trimEnd());
    while (rows.length > 0 && rows.at(-1) === '') rows.pop();
    return rows;
  }

  write(data: string): void {
    let index = 0;
    while (index < data.length) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: a terminal model reads escape sequences
      const sequence = /^\x1b\[(\??)(\d*)(?:;\d*)*([A-Za-z])/.exec(data.slice(index));
      if (sequence) {
        this.control(sequence[1] ?? '', Number(sequence[2] || '0'), sequence[3] ?? '');
        index += sequence[0].length;
        continue;
      }
      const character = data[index] ?? '';
      index += 1;
      if (character === '\n') this.newLine();
      else if (character === '\r') {
        this.column = 0;
        this.pendingWrap = false;
      } else if (character === '\x1b') index += 1;
      else this.print(character);
    }
  }

  private print(character: string): void {
    if (this.pendingWrap) {
      this.newLine();
      this.pendingWrap = false;
    }
    const cells = this.lineAt(this.row);
    while (cells.length < this.column) cells.push(' ');
    cells[this.column] = character;
    if (this.column === this.columns - 1) this.pendingWrap = true;
    else this.column += 1;
  }

  private newLine(): void {
    this.row += 1;
    this.column = 0;
    this.pendingWrap = false;
    this.lineAt(this.row);
  }

  private control(privateMode: string, count: number, command: string): void {
    if (privateMode) return;
    const top = Math.max(0, this.lines.length - this.height);
    this.pendingWrap = false;
    if (command === 'A') this.row = Math.max(top, this.row - Math.max(1, count));
    else if (command === 'G') this.column = Math.max(0, count - 1);
    else if (command === 'K') this.lineAt(this.row).splice(count === 2 ? 0 : this.column);
    else if (command === 'J') {
      this.lineAt(this.row).splice(this.column);
      this.lines.splice(this.row + 1);
    }
  }

  private lineAt(row: number): string[] {
    while (this.lines.length <= row) this.lines.push([]);
    return this.lines[row] as string[];
  }
}

/** A stream that feeds a {@link Screen}, and says it is a TTY of that width. */
export function screenStream(screen: Screen): {
  isTTY: true;
  columns: number;
  write(text: string): boolean;
} {
  return {
    isTTY: true,
    columns: screen.columns,
    write(text: string) {
      screen.write(text);
      return true;
    },
  };
}
