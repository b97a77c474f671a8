// One table of benchmark figures: printed as it is measured, then written as Markdown. A benchmark
// run on its own replaces its own section of RESULTS.md and leaves the others as they are.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function section(columns) {
  const rows = [];
  console.log(`\n${columns.map((c, i) => (i < 3 ? c.padEnd(i ? 22 : 44) : c)).join(' ')}`);
  return {
    row(...cells) {
      rows.push(cells);
      console.log(cells.map((c, i) => (i < 3 ? String(c).padEnd(i ? 22 : 44) : c)).join(' '));
    },
    table: () => [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---|').join('')}`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n'),
  };
}

/** Puts `text` (starting with `heading`) in place of that section of RESULTS.md, or before the next section after `before`. */
export function replaceResultsSection(heading, text, before = '\n## ') {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');
  const results = readFileSync(file, 'utf8');
  const start = results.indexOf(heading);
  const end = start >= 0 ? results.indexOf('\n## ', start + heading.length) : results.indexOf(before);
  const at = end >= 0 ? end : results.length;
  writeFileSync(file, start >= 0 ? `${results.slice(0, start)}${text}\n${results.slice(at)}` : `${results.slice(0, at)}\n${text}\n${results.slice(at)}`);
  console.log('Written to bench/RESULTS.md');
}
