/**
 * Claude Code's model aliases (`sonnet`, `opus`, `haiku`, …) always mean the current models, but
 * only Claude Code knows which: the API itself takes model ids. When Helix calls a provider
 * itself (a connection test, a background task), it uses what the latest run reported an alias
 * resolved to (the `model` of Claude Code's start).
 */

const ALIASES = new Set(['default', 'sonnet', 'opus', 'haiku', 'opusplan', 'sonnet[1m]', 'opus[1m]']);

export function isClaudeAlias(model: string): boolean {
  return ALIASES.has(model.toLowerCase());
}

/** Maps a model named in the config to the id the API takes; undefined when that is not known yet. */
export type ApiModel = (provider: string, model: string) => string | undefined;

/** What each provider's aliases resolved to in its latest runs. */
export class ResolvedModels {
  private readonly resolved = new Map<string, string>();

  record(provider: string, asked: string, ran: string): void {
    if (ran && isClaudeAlias(asked)) this.resolved.set(`${provider}\0${asked.toLowerCase()}`, ran);
  }

  /** The model id to send the API for `model`: itself unless it is an alias; undefined for an alias not seen run yet. */
  apiModel(provider: string, model: string): string | undefined {
    return isClaudeAlias(model) ? this.resolved.get(`${provider}\0${model.toLowerCase()}`) : model;
  }
}
