/**
 * The live llm-providers.yaml: the last good config, hot-reloaded when the file changes, and
 * edits from the app written back with the user's comments, order and formatting kept.
 * An invalid file (hand edit) is reported and the last good config stays in force.
 */
import { watch, readFileSync, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, stringify, type ParseOptions } from 'yaml';
import { writeFileAtomic } from '../core/data-dir';
import type { ProviderConfig } from './config-schema';
import { ConfigError, loadConfig, parseConfig, type HelixConfig } from './load-config';

type YamlDocument = ReturnType<typeof parseDocument>;

export type ConfigListener = (change: { config: HelixConfig; error: ConfigError | null }) => void;

export class ConfigStore {
  private good: HelixConfig;
  private lastError: ConfigError | null = null;
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<ConfigListener>();

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
    if (!isScalar(scalar) || !scalar.range) return this.edit(doc, (d) => d.setIn(['defaults', role], ref));
    const [start, end] = scalar.range;
    const quoted = scalar.type === 'QUOTE_SINGLE' ? `'${ref.replaceAll("'", "''")}'` : JSON.stringify(ref);
    return this.write(text.slice(0, start) + quoted + text.slice(end));
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
    const insert = (at: number, what: string): HelixConfig => this.write(text.slice(0, at) + what + text.slice(at));

    if (isScalar(node)) {
      const key = doc.get('defaults', true);
      const first = isMap(key) ? key.items[0]?.key : undefined;
      const indent = ' '.repeat((isNode(first) && first.range ? col(first.range[0]) : 2) + 2);
      let from = node.range[0];
      while (from > 0 && text[from - 1] === ' ') from--;
      const end = lineEnd(node.range[1]);
      const rest = text.slice(node.range[1], end);
      return this.write(`${text.slice(0, from)}\n${indent}model: ${text.slice(node.range[0], node.range[1])}${rest}\n${indent}allowed_tools: [${item}]${text.slice(end)}`);
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
  setSetting(key: string, value: string | number): HelixConfig {
    const { text, doc } = this.open();
    const typed = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    const node = doc.getIn(['settings', key], true);
    if (isScalar(node) && node.range) {
      const quoted = typeof typed === 'number' ? String(typed) : /^[\w-]+$/.test(typed) ? typed : JSON.stringify(typed);
      return this.write(text.slice(0, node.range[0]) + quoted + text.slice(node.range[1]));
    }
    return this.edit(doc, (d) => d.setIn(['settings', key], typed));
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
      return this.edit(doc, (d) => d.setIn(['providers', name], d.createNode(provider)));
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
      return this.write(text.slice(0, start) + block + text.slice(lineEnd(existing.value.range[1] - 1)));
    }
    // Right after the last provider's last line, before any blank lines or comments that follow it.
    const last = map.items.at(-1)?.value;
    const at = lineEnd(isNode(last) && last.range ? last.range[1] - 1 : map.range[1]);
    return this.write(`${text.slice(0, at)}\n${block}${text.slice(at)}`);
  }

  /** The file on disk, as text and as a document. A file that does not parse cannot be edited: throws the ConfigError with its position. */
  private open(options?: ParseOptions): { text: string; doc: YamlDocument } {
    const text = readFileSync(this.file, 'utf8');
    const doc = parseDocument(text, options);
    if (doc.errors.length > 0) parseConfig(text, this.file);
    return { text, doc };
  }

  /** Applies an edit to the file's document (from open()); refused (nothing written) if the result would be invalid. */
  private edit(doc: YamlDocument, change: (doc: YamlDocument) => void): HelixConfig {
    change(doc);
    return this.write(doc.toString({ lineWidth: 0, flowCollectionPadding: false }));
  }

  private write(text: string): HelixConfig {
    const next = parseConfig(text, this.file);
    writeFileAtomic(this.file, text);
    this.good = next;
    this.lastError = null;
    this.notify();
    return next;
  }

  private notify(): void {
    for (const listener of this.listeners) listener({ config: this.good, error: this.lastError });
  }
}
