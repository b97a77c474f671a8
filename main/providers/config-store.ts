/**
 * The live llm-providers.yaml: the last good config, hot-reloaded when the file changes, and
 * edits from the app written back with the user's comments, order and formatting kept.
 * An invalid file (hand edit) is reported and the last good config stays in force.
 */
import { watch, readFileSync, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, stringify, type ParseOptions } from 'yaml';
import { writeFileAtomic } from '../platform/data-dir';
import type { ProviderConfig } from './config-schema';
import { ROLE_OPTION_KEYS, type RoleOptions } from '../../common/control';
import { ConfigError, loadConfig, parseConfig, type HelixConfig } from './load-config';

type YamlDocument = ReturnType<typeof parseDocument>;

export type ConfigListener = (change: { config: HelixConfig; error: ConfigError | null }) => void;

export class ConfigStore {
  private good: HelixConfig;
  private lastError: ConfigError | null = null;
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<ConfigListener>();
  /** The app's latest edit: the file's text before and after it, so that it can be undone once. */
  private edited: { what: string; before: string; after: string } | null = null;

  /** Throws ConfigError when the file is invalid at start: there is no good config to keep yet. */
  constructor(readonly file: string) {
    this.good = loadConfig(file);
  }

  get current(): HelixConfig {
    return this.good;
  }

  /** Why the file on disk is not the config in force, if it is not. */
  get error(): ConfigError | null {
    return this.lastError;
  }

  onChange(listener: ConfigListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What the latest edit from the app did, while it can still be undone (the file still holds its result). */
  get undoable(): string | null {
    if (!this.edited) return null;
    try {
      return readFileSync(this.file, 'utf8') === this.edited.after ? this.edited.what : null;
    } catch {
      return null;
    }
  }

  /**
   * Puts back the bytes the file had before the app's latest edit. Refused when the file changed
   * since (a hand edit would be lost) or when there is nothing to undo; an undone edit cannot be
   * undone again.
   */
  undo(): { undone: string; config: HelixConfig } {
    const edit = this.edited;
    if (!edit) throw new ConfigError(this.file, 'there is no change from the app to undo');
    if (readFileSync(this.file, 'utf8') !== edit.after) {
      this.edited = null;
      throw new ConfigError(this.file, 'the file changed since that edit; undoing it would lose the newer change');
    }
    writeFileAtomic(this.file, edit.before);
    this.edited = null;
    this.reload();
    return { undone: edit.what, config: this.good };
  }

  /** Follows hand edits. The directory is watched: editors often replace the file rather than write it. */
  watch(): void {
    this.watcher = watch(path.dirname(this.file), (_event, name) => {
      if (name && name !== path.basename(this.file)) return;
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => this.reload(), 100);
    });
    // The folder went away or became unreadable: keep the config in force, stop following.
    this.watcher.on('error', (error) => {
      this.lastError = new ConfigError(this.file, `no longer watching for changes (${error.message})`);
      this.watcher?.close();
      this.notify();
    });
  }

  close(): void {
    clearTimeout(this.debounce);
    this.watcher?.close();
  }

  reload(): void {
    let next: HelixConfig;
    try {
      next = loadConfig(this.file);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.lastError = error;
      this.notify();
      return;
    }
    if (this.lastError === null && JSON.stringify(next) === JSON.stringify(this.good)) return;
    this.good = next;
    this.lastError = null;
    this.notify();
  }

  /**
   * Points a role at `provider:model` (a role written as an object keeps its other options).
   * Only the value's own characters change: every other byte of the file stays as the user wrote it.
   */
  setRoleModel(role: string, ref: string): HelixConfig {
    const { text, doc } = this.open();
    const node = doc.getIn(['defaults', role], true);
    const scalar = isMap(node) ? node.get('model', true) : node;
    if (!isScalar(scalar) || !scalar.range) return this.edit(doc, (d) => d.setIn(['defaults', role], ref), `helix-${role} set to ${ref}`);
    const [start, end] = scalar.range;
    const quoted = scalar.type === 'QUOTE_SINGLE' ? `'${ref.replaceAll("'", "''")}'` : JSON.stringify(ref);
    return this.write(text.slice(0, start) + quoted + text.slice(end), `helix-${role} set to ${ref}`);
  }

  /**
   * Sets every run option of a role (the options absent from `options` are removed). Each key is
   * edited in place, so the comments and the formatting of the rest of the role stay; a role
   * written as "provider:model" becomes a block only when it gets other options.
   */
  setRole(role: string, given: RoleOptions): HelixConfig {
    const options = withoutEmpty(given);
    const lineCounter = new LineCounter();
    const { text, doc } = this.open({ lineCounter });
    const node = doc.getIn(['defaults', role], true);
    const what = `helix-${role}'s options changed`;
    const extra = ROLE_OPTION_KEYS.filter((key) => key !== 'model' && options[key] !== undefined);
    if (isScalar(node) && node.range && doc.hasIn(['defaults', role])) {
      if (extra.length === 0) return this.setRoleModel(role, options.model);
      const pair = isMap(doc.get('defaults', true)) ? (doc.get('defaults', true) as { items: Array<{ key: unknown; value: unknown }> }).items.find((i) => isScalar(i.key) && i.key.value === role) : undefined;
      const keyNode = pair && isScalar(pair.key) ? pair.key : undefined;
      if (!keyNode?.range) return this.edit(doc, (d) => d.setIn(['defaults', role], d.createNode(compact(options))), what);
      const indent = ' '.repeat(lineCounter.linePos(keyNode.range[0]).col - 1 + 2);
      const end = lineEndOf(text, node.range[1]);
      const comment = text.slice(node.range[1], end).trim();
      const head = text.slice(0, node.range[0]).trimEnd() + (comment ? ` ${comment}` : '');
      return this.write(`${head}\n${renderPairs(compact(options), indent)}${text.slice(Math.min(text.length, end + 1))}`, what);
    }
    if (!isMap(node) || !node.range) return this.edit(doc, (d) => d.setIn(['defaults', role], d.createNode(compact(options))), what);
    const first = node.items[0];
    const indent = isScalar(first?.key) && first.key.range ? ' '.repeat(lineCounter.linePos(first.key.range[0]).col - 1) : '    ';
    const splices: Array<[start: number, end: number, replacement: string]> = [];
    // New keys go on the line after the role's last one (before any comments that follow it).
    const lastValue = node.items.at(-1)?.value;
    const insertAt = Math.min(text.length, lineEndOf(text, isNode(lastValue) && lastValue.range ? lastValue.range[1] - 1 : node.range[1] - 1) + 1);
    const newline = insertAt === text.length && !text.endsWith('\n') ? '\n' : '';
    for (const key of ROLE_OPTION_KEYS) {
      const wanted = options[key];
      const pair = node.items.find((i) => isScalar(i.key) && i.key.value === key);
      const keyRange = pair && isScalar(pair.key) ? pair.key.range : undefined;
      const value = pair?.value;
      if (pair && keyRange && isNode(value) && value.range) {
        const current: unknown = value.toJSON();
        if (JSON.stringify(current) === JSON.stringify(wanted)) continue;
        if (wanted === undefined) {
          splices.push([lineStartOf(text, keyRange[0]), Math.min(text.length, lineEndOf(text, value.range[1] - 1) + 1), '']);
        } else if (isScalar(value) && typeof wanted !== 'object') {
          splices.push([value.range[0], value.range[1], renderScalar(wanted, value.type === 'QUOTE_SINGLE')]);
        } else {
          splices.push([lineStartOf(text, keyRange[0]), lineEndOf(text, value.range[1] - 1), renderPairs({ [key]: wanted }, indent).replace(/\n$/, '')]);
        }
      } else if (wanted !== undefined) {
        splices.push([insertAt, insertAt, newline + renderPairs({ [key]: wanted }, indent)]);
      }
    }
    // From the end backwards, so that earlier offsets stay right; insertions keep their order.
    let next = text;
    const ordered = splices.map((splice, order) => ({ splice, order })).sort((a, b) => b.splice[0] - a.splice[0] || b.order - a.order);
    for (const { splice: [start, end, replacement] } of ordered) next = next.slice(0, start) + replacement + next.slice(end);
    return this.write(next, what);
  }

  /** Removes a provider's block; refused (nothing written) while a role still runs on it. */
  removeProvider(name: string): HelixConfig {
    const { text, doc } = this.open();
    const map = doc.get('providers', true);
    const pair = isMap(map) ? map.items.find((item) => isScalar(item.key) && item.key.value === name) : undefined;
    if (!pair) throw new ConfigError(this.file, `there is no provider "${name}"`);
    const users = this.good.roles.filter((r) => r.provider === name).map((r) => r.name);
    if (users.length > 0) throw new ConfigError(this.file, `provider "${name}" is used by ${users.map((r) => `helix-${r}`).join(', ')}; switch ${users.length === 1 ? 'that role' : 'those roles'} to another provider first`);
    if (!isScalar(pair.key) || !pair.key.range || !isNode(pair.value) || !pair.value.range) return this.edit(doc, (d) => d.deleteIn(['providers', name]), `provider ${name} removed`);
    const start = lineStartOf(text, pair.key.range[0]);
    let end = Math.min(text.length, lineEndOf(text, pair.value.range[1] - 1) + 1);
    // A block set off by blank lines leaves one blank line, not two.
    const blankBefore = start >= 2 && text.slice(0, start).endsWith('\n\n');
    if (blankBefore && /^[ \t]*\n/.test(text.slice(end))) end = text.indexOf('\n', end) + 1;
    return this.write(text.slice(0, start) + text.slice(end), `provider ${name} removed`);
  }

  /**
   * Adds a rule (e.g. `Bash(npm test)`) to a role's allowed_tools. Only text is inserted: every
   * comment, quote and space of the file stays where it was; a role written as a bare
   * "provider:model" becomes a map whose model line keeps that line's comment.
   */
  addRoleAllowedTool(role: string, rule: string): HelixConfig {
    const lineCounter = new LineCounter();
    const { text, doc } = this.open({ lineCounter });
    const node = doc.getIn(['defaults', role], true);
    if (!isNode(node) || !node.range) throw new Error(`no role "${role}" in ${this.file}`);
    const item = JSON.stringify(rule);
    const lineEnd = (at: number): number => (text.indexOf('\n', at) + 1 || text.length + 1) - 1;
    const col = (at: number): number => lineCounter.linePos(at).col - 1;
    const what = `${rule} allowed for helix-${role}`;
    const insert = (at: number, added: string): HelixConfig => this.write(text.slice(0, at) + added + text.slice(at), what);

    if (isScalar(node)) {
      const key = doc.get('defaults', true);
      const first = isMap(key) ? key.items[0]?.key : undefined;
      const indent = ' '.repeat((isNode(first) && first.range ? col(first.range[0]) : 2) + 2);
      let from = node.range[0];
      while (from > 0 && text[from - 1] === ' ') from--;
      const end = lineEnd(node.range[1]);
      const rest = text.slice(node.range[1], end);
      return this.write(`${text.slice(0, from)}\n${indent}model: ${text.slice(node.range[0], node.range[1])}${rest}\n${indent}allowed_tools: [${item}]${text.slice(end)}`, what);
    }
    if (!isMap(node)) throw new Error(`role "${role}" is neither "provider:model" nor a map`);
    const list = node.get('allowed_tools', true);
    if (isSeq(list) && list.range) {
      if (list.items.some((i) => isScalar(i) && i.value === rule)) return this.good;
      if (list.flow) {
        const close = text.lastIndexOf(']', list.range[1]);
        return insert(close, list.items.length > 0 ? `, ${item}` : item);
      }
      const last = list.items.at(-1);
      const at = lineEnd(isNode(last) && last.range ? last.range[1] - 1 : list.range[1] - 1);
      return insert(at, `\n${' '.repeat(col(list.range[0]))}- ${item}`);
    }
    if (list !== undefined) throw new Error(`role "${role}"'s allowed_tools is not a list`);
    if (node.flow) {
      const close = text.lastIndexOf('}', node.range[1]);
      let at = close;
      while (at > 0 && text[at - 1] === ' ') at--;
      return insert(at, `${node.items.length > 0 ? ',' : ''} allowed_tools: [${item}]`);
    }
    const firstKey = node.items[0]?.key;
    const lastValue = node.items.at(-1)?.value;
    const indent = ' '.repeat(isNode(firstKey) && firstKey.range ? col(firstKey.range[0]) : 4);
    const at = lineEnd(isNode(lastValue) && lastValue.range ? lastValue.range[1] - 1 : node.range[1] - 1);
    return insert(at, `\n${indent}allowed_tools: [${item}]`);
  }

  /** Changes one setting: in place when the file has it (formatting kept), else added under settings. */
  /** Sets one setting; a dotted key (`retention.max_age_days`) names one inside a group. */
  setSetting(key: string, value: string | number): HelixConfig {
    const { text, doc } = this.open();
    const typed = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    const at = ['settings', ...key.split('.')];
    const node = doc.getIn(at, true);
    if (isScalar(node) && node.range) {
      const quoted = typeof typed === 'number' ? String(typed) : /^[\w-]+$/.test(typed) ? typed : JSON.stringify(typed);
      return this.write(text.slice(0, node.range[0]) + quoted + text.slice(node.range[1]), `${key} set to ${typed}`);
    }
    return this.edit(doc, (d) => d.setIn(at, typed), `${key} set to ${typed}`);
  }

  /**
   * Adds or replaces a provider, written as a block at the providers' indentation; the rest of the
   * file is left as it was. Keys are never written: only the name of their variable.
   */
  setProvider(name: string, provider: Partial<ProviderConfig> & Pick<ProviderConfig, 'type'>): HelixConfig {
    const lineCounter = new LineCounter();
    const { text, doc } = this.open({ lineCounter });
    const map = doc.get('providers', true);
    const first = isMap(map) ? map.items[0] : undefined;
    if (!isMap(map) || !map.range || !isScalar(first?.key) || !first.key.range) {
      return this.edit(doc, (d) => d.setIn(['providers', name], d.createNode(provider)), `provider ${name} saved`);
    }
    const indent = ' '.repeat(lineCounter.linePos(first.key.range[0]).col - 1);
    const block = stringify({ [name]: provider }, { flowCollectionPadding: false, lineWidth: 0 })
      .trimEnd()
      .split('\n')
      .map((line) => indent + line)
      .join('\n');
    const existing = map.items.find((item) => isScalar(item.key) && item.key.value === name);
    const lineStart = (at: number): number => text.lastIndexOf('\n', at - 1) + 1;
    const lineEnd = (at: number): number => (text.indexOf('\n', at) + 1 || text.length + 1) - 1;
    if (existing && isScalar(existing.key) && existing.key.range && isNode(existing.value) && existing.value.range) {
      const start = lineStart(existing.key.range[0]);
      return this.write(text.slice(0, start) + block + text.slice(lineEnd(existing.value.range[1] - 1)), `provider ${name} changed`);
    }
    // Right after the last provider's last line, before any blank lines or comments that follow it.
    const last = map.items.at(-1)?.value;
    const at = lineEnd(isNode(last) && last.range ? last.range[1] - 1 : map.range[1]);
    return this.write(`${text.slice(0, at)}\n${block}${text.slice(at)}`, `provider ${name} added`);
  }

  /** The file on disk, as text and as a document. A file that does not parse cannot be edited: throws the ConfigError with its position. */
  private open(options?: ParseOptions): { text: string; doc: YamlDocument } {
    const text = readFileSync(this.file, 'utf8');
    const doc = parseDocument(text, options);
    if (doc.errors.length > 0) parseConfig(text, this.file);
    return { text, doc };
  }

  /** Applies an edit to the file's document (from open()); refused (nothing written) if the result would be invalid. */
  private edit(doc: YamlDocument, change: (doc: YamlDocument) => void, what: string): HelixConfig {
    change(doc);
    return this.write(doc.toString({ lineWidth: 0, flowCollectionPadding: false }), what);
  }

  /** Checks the whole new text, then writes it (temp file + rename); the text it replaced is kept for one undo. */
  private write(text: string, what: string): HelixConfig {
    const next = parseConfig(text, this.file);
    const before = readFileSync(this.file, 'utf8');
    writeFileAtomic(this.file, text);
    this.edited = { what, before, after: text };
    this.good = next;
    this.lastError = null;
    this.notify();
    return next;
  }

  private notify(): void {
    for (const listener of this.listeners) listener({ config: this.good, error: this.lastError });
  }
}

const lineStartOf = (text: string, at: number): number => text.lastIndexOf('\n', at - 1) + 1;
/** The offset of the newline ending the line that holds `at` (or the text's end). */
const lineEndOf = (text: string, at: number): number => (text.indexOf('\n', at) + 1 || text.length + 1) - 1;

/** An empty text, list or map is an option left unset. */
function withoutEmpty(options: RoleOptions): RoleOptions {
  const empty = (v: unknown): boolean => v === undefined || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
  return Object.fromEntries(Object.entries(options).filter(([, v]) => !empty(v))) as unknown as RoleOptions;
}

/** The options that are set, in the order the file lists them. */
function compact(options: RoleOptions): Record<string, unknown> {
  return Object.fromEntries(ROLE_OPTION_KEYS.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]));
}

/** `key: value` lines at `indent`, each ending with a newline. */
function renderPairs(pairs: Record<string, unknown>, indent: string): string {
  return stringify(pairs, { flowCollectionPadding: false, lineWidth: 0 })
    .trimEnd()
    .split('\n')
    .map((line) => indent + line)
    .join('\n')
    .concat('\n');
}

function renderScalar(value: unknown, singleQuoted: boolean): string {
  if (typeof value === 'string' && singleQuoted) return `'${value.replaceAll("'", "''")}'`;
  return stringify(value, { lineWidth: 0 }).trimEnd();
}
