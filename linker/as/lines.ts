// From source text to statements: comments out, `;`-separated statements apart, labels found.
//
// GNU as for i386 treats `#` as the start of a comment anywhere outside a string, removes C
// comments `/* ... */`, and allows several statements on a line separated by `;`.

import type { SourceLine } from './source.ts';

/** Split a file into lines, removing C comments (which may span lines) and `#` comments. */
export function sourceLines(text: string, file: string): SourceLine[] {
  return withoutComments(text.split('\n').map((raw, i) => ({ file, line: i + 1, text: raw })));
}

/** The same lines with comments removed (C comments may span lines). */
export function withoutComments(lines: SourceLine[]): SourceLine[] {
  const out: SourceLine[] = [];
  let inComment = false;
  lines.forEach(({ file, line: number, text: raw }) => {
    let line = '';
    let quote = false;
    for (let p = 0; p < raw.length; p++) {
      const c = raw[p]!;
      if (inComment) {
        if (c === '*' && raw[p + 1] === '/') { inComment = false; p++; }
        continue;
      }
      if (quote) {
        line += c;
        if (c === '\\') { line += raw[p + 1] ?? ''; p++; }
        else if (c === '"') quote = false;
        continue;
      }
      if (c === '"') { quote = true; line += c; continue; }
      if (c === "'") { line += c + (raw[p + 1] ?? ''); p++; if (raw[p] === '\\') { line += raw[p + 1] ?? ''; p++; } continue; }
      if (c === '/' && raw[p + 1] === '*') { inComment = true; p++; line += ' '; continue; }
      if (c === '#') break;
      line += c;
    }
    out.push({ file, line: number, text: line.replace(/\r$/, '') });
  });
  return out;
}

/** The statements of one line: split at `;` outside strings and character constants. */
export function statementsOf(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quote = false;
  for (let p = 0; p < text.length; p++) {
    const c = text[p];
    if (quote) {
      if (c === '\\') p++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === "'") {
      p += text[p + 1] === '\\' ? 2 : 1;
      if (text[p + 1] === "'") p++;
    }
    else if (c === ';') {
      out.push(text.slice(start, p));
      start = p + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

/** Decode a string literal's contents (between the quotes) with gas's escapes. */
export function unescapeString(body: string): number[] {
  const out: number[] = [];
  for (let p = 0; p < body.length; p++) {
    const c = body[p]!;
    if (c !== '\\') { out.push(c.charCodeAt(0) & 0xff); continue; }
    const e = body[++p] ?? '';
    if (/[0-7]/.test(e)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(p))!;
      out.push(parseInt(m[0], 8) & 0xff);
      p += m[0].length - 1;
    } else if (e === 'x' || e === 'X') {
      const m = /^[0-9a-fA-F]+/.exec(body.slice(p + 1));
      out.push(m ? parseInt(m[0].slice(-2), 16) : 0);
      p += m ? m[0].length : 0;
    } else {
      const simple: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, e: 27 };
      out.push(simple[e] ?? e.charCodeAt(0));
    }
  }
  return out;
}

/** A directive's string argument is not one (`.ident g`, `.incbin "` cut short). */
export class StringLiteralError extends Error {}

/** The string literals of a `.ascii "a", "b"` argument list. */
export function stringLiterals(text: string): number[][] {
  const out: number[][] = [];
  let p = 0;
  while (p < text.length) {
    while (p < text.length && /[\s,]/.test(text[p]!)) p++;
    if (p >= text.length) break;
    if (text[p] !== '"') throw new StringLiteralError(`expected a string, found '${text.slice(p)}'`);
    let q = p + 1;
    while (q < text.length && text[q] !== '"') q += text[q] === '\\' ? 2 : 1;
    if (q >= text.length) throw new StringLiteralError('unterminated string');
    out.push(unescapeString(text.slice(p + 1, q)));
    p = q + 1;
  }
  return out;
}
