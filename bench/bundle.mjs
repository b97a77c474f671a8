#!/usr/bin/env node
// What the control panel downloads: builds the renderer (unless --no-build) and measures the files
// index.html loads before the first screen (the page, its script, its CSS and every chunk it
// preloads), gzipped as a server would send them, then each screen's own chunks.
// Usage: node bench/bundle.mjs [--no-build]
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'out', 'renderer');
if (!process.argv.includes('--no-build')) execFileSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const sizes = (file) => {
  const bytes = readFileSync(path.join(out, file));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
const sum = (files) => files.map(sizes).reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip }), { raw: 0, gzip: 0 });

// What index.html names (script, stylesheet, modulepreload) is fetched before anything shows.
const html = readFileSync(path.join(out, 'index.html'), 'utf8');
const initial = ['index.html', ...[...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => m[1])];
const total = sum(initial);
console.log(`initial download: ${kib(total.gzip)} gzipped (${kib(total.raw)} minified), ${initial.length} files`);
for (const file of initial) console.log(`  ${file}: ${kib(sizes(file).gzip)} gzipped`);

// Each screen's chunk and the chunks only it imports (a static import in a chunk is `from"./x.js"`).
const assets = readdirSync(path.join(out, 'assets')).filter((f) => f.endsWith('.js'));
const importsOf = (file) => [...readFileSync(path.join(out, 'assets', file), 'utf8').matchAll(/from\s*"\.\/([^"]+\.js)"/g)].map((m) => m[1]);
for (const screen of assets.filter((f) => /View-/.test(f))) {
  const chunks = new Set([screen]);
  for (const chunk of chunks) for (const dep of importsOf(chunk)) if (!initial.includes(`assets/${dep}`)) chunks.add(dep);
  const s = sum([...chunks].map((c) => `assets/${c}`));
  console.log(`screen ${screen.replace(/-[\w-]+\.js$/, '')}: +${kib(s.gzip)} gzipped on first show (${chunks.size} chunk${chunks.size === 1 ? '' : 's'})`);
}
