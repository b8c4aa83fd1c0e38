// Drawing frames on a terminal: the alternate screen, and only the rows that changed. A row is
// written whole — cursor to its start, its text clipped to the width, then erase-to-end-of-line
// when it is shorter — so a shorter line never leaves the end of a longer one behind, and nothing
// is ever written past the last column (which would wrap and scroll). Ctrl-L (or a resize) forgets
// what is on the screen and draws every row again.

import type { Line, Style } from './frame.ts';

const ESC = '\x1b[';
const SGR: Record<Style, string> = {
  plain: '', title: `${ESC}1;7m`, header: `${ESC}1;36m`, current: `${ESC}7m`, changed: `${ESC}1;33m`, dim: `${ESC}2m`, key: `${ESC}1m`,
};

export interface Terminal {
  write(text: string): void;
  columns: number;
  rows: number;
}

export class Screen {
  private shown: string[] = [];

  constructor(private readonly terminal: Terminal) {}

  /** Take the terminal: the alternate screen, no cursor, nothing shown yet. */
  enter(): void {
    this.terminal.write(`${ESC}?1049h${ESC}?25l${ESC}2J`);
    this.shown = [];
  }

  /** Give it back as it was. */
  leave(): void {
    this.terminal.write(`${ESC}0m${ESC}?25h${ESC}?1049l`);
  }

  /** Forget what the screen shows: the next draw writes every row. */
  invalidate(): void {
    this.shown = [];
    this.terminal.write(`${ESC}0m${ESC}2J`);
  }

  draw(frame: Line[]): void {
    const width = this.terminal.columns;
    let out = '';
    for (let row = 0; row < Math.min(frame.length, this.terminal.rows); row++) {
      const text = encode(frame[row]!, width);
      if (this.shown[row] === text) continue;
      this.shown[row] = text;
      out += `${ESC}${row + 1};1H${text}`;
    }
    if (out !== '') this.terminal.write(out);
  }
}

/** A row as the terminal receives it: styled spans, clipped, erased to the end when short. */
function encode(line: Line, width: number): string {
  let out = '';
  let used = 0;
  for (const span of line) {
    if (used >= width) break;
    const text = span.text.slice(0, width - used);
    out += span.style === 'plain' ? text : `${SGR[span.style]}${text}${ESC}0m`;
    used += text.length;
  }
  return used < width ? `${out}${ESC}K` : out;
}
