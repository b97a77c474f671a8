/**
 * Reads llm-providers.yaml into a checked, resolved config. Every problem is reported with the
 * file, line and column it comes from, so a broken hand edit points at itself.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { RoleOptions } from '../../common/control';
import { ConfigSchema, type ApprovalPolicy, type PermissionMode, type ProviderConfig, type ServiceConfig, type Settings } from './config-schema';

export interface Role {
  name: string;
  /** The model id clients use: `helix-<role>`. */
  modelId: string;
  provider: string;
  model: string;
  cwd?: string;
  permissionMode: PermissionMode;
  allowedTools: string[];
  /** ask: permission prompts wait for a person; deny: refused at once (unattended roles). */
  approvals: ApprovalPolicy;
  appendSystemPrompt?: string;
  maxTurns?: number;
  smallFastModel?: string;
  /** The role's `env:` entries, unresolved (`${NAME}` is filled in per run). */
  env: Record<string, string>;
  /** The role's options as the file writes them, for the panel's role editor. */
  options: RoleOptions;
}

export interface HelixConfig {
  file: string;
  providers: Record<string, ProviderConfig>;
  roles: Role[];
  settings: Settings;
  services: Record<string, ServiceConfig>;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(`${file}${line ? `:${line}:${column ?? 1}` : ''}: ${problem}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(file: string): HelixConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, `cannot read the config file (${(error as Error).message})`);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file: string): HelixConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const at = lineCounter.linePos(syntax.pos[0]);
    throw new ConfigError(file, `invalid YAML: ${syntax.message.split('\n')[0]}`, at.line, at.col);
  }

  const parsed = ConfigSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = innermost(parsed.error.issues[0]);
    throw configErrorAt(file, issue?.path ?? [], issue?.message ?? 'invalid config');
  }

  const raw = parsed.data;
  const baseDir = path.dirname(path.resolve(file));
  const roles: Role[] = [];
  for (const [name, value] of Object.entries(raw.defaults)) {
    const spec = typeof value === 'string' ? { model: value } : value;
    const colon = spec.model.indexOf(':');
    const provider = spec.model.slice(0, colon);
    const providerConfig = raw.providers[provider];
    if (!providerConfig) {
      const known = Object.keys(raw.providers).join(', ') || 'none';
      throw configErrorAt(file, ['defaults', name], `role "${name}" uses unknown provider "${provider}" (known: ${known})`);
    }
    const named = spec.model.slice(colon + 1);
    const model = providerConfig.aliases[named] ?? named;
    if (providerConfig.models.length > 0 && !providerConfig.models.includes(model)) {
      const allowed = [...providerConfig.models, ...Object.keys(providerConfig.aliases)].join(', ');
      throw configErrorAt(file, ['defaults', name], `role "${name}" uses model "${named}", which provider "${provider}" does not list (allowed: ${allowed})`);
    }
    const smallFast = 'small_fast_model' in spec && spec.small_fast_model ? (providerConfig.aliases[spec.small_fast_model] ?? spec.small_fast_model) : undefined;
    roles.push({
      name,
      modelId: `helix-${name}`,
      provider,
      model,
      cwd: 'cwd' in spec && spec.cwd ? path.resolve(baseDir, expandHome(spec.cwd)) : undefined,
      permissionMode: ('permission_mode' in spec && spec.permission_mode) || raw.settings.permission_mode,
      allowedTools: ('allowed_tools' in spec && spec.allowed_tools) || [],
      approvals: ('approvals' in spec && spec.approvals) || raw.settings.approvals.default,
      appendSystemPrompt: 'append_system_prompt' in spec ? spec.append_system_prompt : undefined,
      maxTurns: 'max_turns' in spec ? spec.max_turns : undefined,
      smallFastModel: smallFast,
      env: ('env' in spec && spec.env) || {},
      options: { ...spec },
    });
  }

  const services = Object.fromEntries(
    Object.entries(raw.services).map(([name, service]) => [name, { ...service, cwd: service.cwd ? path.resolve(baseDir, expandHome(service.cwd)) : undefined }]),
  );
  return { file, providers: raw.providers, roles, settings: raw.settings, services };

  function configErrorAt(at: string, keyPath: PropertyKey[], problem: string): ConfigError {
    // A missing key has no node: point at the nearest enclosing one.
    let where: { line: number; col: number } | undefined;
    for (let depth = keyPath.length; depth >= 0 && !where; depth--) {
      const node = doc.getIn(keyPath.slice(0, depth).map(String), true) as { range?: number[] } | undefined;
      if (node?.range?.[0] !== undefined) where = lineCounter.linePos(node.range[0]);
    }
    const label = keyPath.length > 0 ? `${keyPath.map(String).join('.')}: ` : '';
    return new ConfigError(at, `${label}${problem}`, where?.line, where?.col);
  }
}

interface Issue {
  path: PropertyKey[];
  message: string;
  issues?: Issue[];
  errors?: Issue[][];
}

/**
 * The issue that names the real reason: a bad record key (a role or variable name) carries it
 * one level down, and a role written as an object fails the string branch of its union too —
 * the branch that got furthest is the one the user meant.
 */
function innermost(issue: Issue | undefined, prefix: PropertyKey[] = []): Issue | undefined {
  if (!issue) return undefined;
  const at = [...prefix, ...issue.path];
  if (issue.issues?.[0]) return { ...innermost(issue.issues[0], at)!, path: at };
  if (issue.errors) {
    const branches = issue.errors.map((branch) => innermost(branch[0], at)).filter((b): b is Issue => b !== undefined);
    const furthest = branches.reduce<Issue | undefined>((best, b) => (!best || b.path.length > best.path.length ? b : best), undefined);
    if (furthest && furthest.path.length > at.length) return furthest;
  }
  return { ...issue, path: at };
}

function expandHome(dir: string): string {
  return dir === '~' || dir.startsWith('~/') ? path.join(os.homedir(), dir.slice(1)) : dir;
}
