/**
 * Terminal output as styled runs of text: SGR colour and emphasis codes become class names
 * (`ansi-fg-red`, `ansi-bg-bright-green`, `ansi-bold`…, coloured by the theme's CSS), every other
 * escape sequence (cursor moves, titles, hyperlinks' wrappers) is removed. Never HTML: the runs are
 * rendered as text, so output cannot inject markup.
 */

export interface AnsiRun {
  text: string;
  /** Class names for the run's style; empty for plain text. */
  classes: string[];
}

const COLOURS = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const;

interface Style {
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

/**
 * ESC [ params final (CSI), ESC ] … BEL or ESC \ (OSC), other two-character ESC sequences, and
 * the C1 CSI byte; `m` with digits and `;`/`:` is SGR, the rest is dropped.
 */
// eslint-disable-next-line no-control-regex -- escape sequences are what it matches
const ESCAPE = /\x1b\[([0-9;:?<=>]*)([ -/]*)([@-~])|\x1b\][\s\S]*?(?:\x07|\x1b\\|$)|\x1b[P^_][\s\S]*?(?:\x1b\\|$)|\x1b[ -/]*[0-~]|\x9b[0-9;]*[@-~]|\x1b$/g;

export function parseAnsi(input: string): AnsiRun[] {
  const runs: AnsiRun[] = [];
  let style: Style = {};
  let at = 0;
  const push = (text: string): void => {
    if (!text) return;
    const classes = classesOf(style);
    const last = runs.at(-1);
    if (last && last.classes.join(' ') === classes.join(' ')) last.text += text;
    else runs.push({ text, classes });
  };
  for (const match of input.matchAll(ESCAPE)) {
    push(input.slice(at, match.index));
    at = match.index + match[0].length;
    if (match[3] === 'm' && match[2] === '' && match[0].startsWith('\x1b[')) style = applySgr(style, match[1] ?? '');
  }
  push(input.slice(at));
  return runs;
}

/** The text with every escape sequence removed. */
export function stripAnsi(input: string): string {
  return parseAnsi(input)
    .map((run) => run.text)
    .join('');
}

function applySgr(current: Style, params: string): Style {
  const style = { ...current };
  // `ESC[m` is a reset; `:` separates sub-parameters (38:5:n), read as `;`.
  const codes = (params === '' ? '0' : params).split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    if (code === 0) Object.keys(style).forEach((key) => delete style[key as keyof Style]);
    else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) style.underline = true;
    else if (code === 7) style.inverse = true;
    else if (code === 22) {
      delete style.bold;
      delete style.dim;
    }
    else if (code === 23) delete style.italic;
    else if (code === 24) delete style.underline;
    else if (code === 27) delete style.inverse;
    else if (code >= 30 && code <= 37) style.fg = COLOURS[code - 30];
    else if (code >= 90 && code <= 97) style.fg = `bright-${COLOURS[code - 90]}`;
    else if (code === 39) delete style.fg;
    else if (code >= 40 && code <= 47) style.bg = COLOURS[code - 40];
    else if (code >= 100 && code <= 107) style.bg = `bright-${COLOURS[code - 100]}`;
    else if (code === 49) delete style.bg;
    else if (code === 38 || code === 48) {
      // Extended colours: 5;n (256-colour palette) or 2;r;g;b. The 16 basic ones map to classes; the rest are skipped.
      const key = code === 38 ? 'fg' : 'bg';
      if (codes[i + 1] === 5) {
        const n = codes[i + 2] ?? -1;
        if (n >= 0 && n < 8) style[key] = COLOURS[n];
        else if (n >= 8 && n < 16) style[key] = `bright-${COLOURS[n - 8]}`;
        else delete style[key];
        i += 2;
      } else if (codes[i + 1] === 2) {
        delete style[key];
        i += 4;
      }
    }
  }
  return style;
}

function classesOf(style: Style): string[] {
  const classes: string[] = [];
  if (style.fg) classes.push(`ansi-fg-${style.fg}`);
  if (style.bg) classes.push(`ansi-bg-${style.bg}`);
  if (style.bold) classes.push('ansi-bold');
  if (style.dim) classes.push('ansi-dim');
  if (style.italic) classes.push('ansi-italic');
  if (style.underline) classes.push('ansi-underline');
  if (style.inverse) classes.push('ansi-inverse');
  return classes;
}
