/**
 * Answers Open WebUI's background tasks without Claude Code — from the role's provider when it
 * can be called directly and its answer is one Open WebUI can read, else locally — and records
 * them in the chat's session log as tasks.
 */
import type { ApiModel } from '../providers/claude-aliases';
import path from 'node:path';
import { writeOrWarn } from '../platform/data-dir';
import type { KeyLookup } from '../providers/key-store';
import type { HelixConfig, Role } from '../providers/load-config';
import { EventLog } from '../sessions/event-log';
import type { SessionStore } from '../sessions/session-store';
import type { TaskKind } from './detect-task';
import { readTaskAnswer, writeTaskAnswer, type TaskValue } from './answer-format';
import { localTaskValue } from './local-answer';
import { providerTaskAnswer } from './provider-answer';

interface TaskAnswer {
  content: string;
  via: 'provider' | 'local';
  /** What Open WebUI reads from the content (the title, the tags, …). */
  value: TaskValue;
}

export class TaskService {
  /** Tasks that name no chat are logged here. */
  private readonly looseLog: EventLog;

  constructor(
    private readonly store: SessionStore,
    private readonly keys: KeyLookup,
    /** The API's id for the role's model (Claude Code's aliases as the latest run resolved them). */
    private readonly apiModel: ApiModel = (_provider, model) => model,
  ) {
    this.looseLog = new EventLog(path.join(store.dir, 'tasks.ndjson'));
  }

  async answer(kind: TaskKind, prompt: string, role: Role, config: HelixConfig, chatId?: string): Promise<TaskAnswer> {
    const started = Date.now();
    const text = await providerTaskAnswer(kind, prompt, role, config, this.keys, this.apiModel);
    // An answer Open WebUI would not read (prose, the wrong key or type) is no better than none.
    const fromProvider = text === null ? undefined : readTaskAnswer(kind, prompt, text);
    const value = fromProvider ?? localTaskValue(kind, prompt);
    const answer: TaskAnswer = { content: writeTaskAnswer(kind, prompt, value), via: fromProvider === undefined ? 'local' : 'provider', value };

    // The answer is given even if the data dir cannot take its record.
    writeOrWarn(() => this.record(kind, answer, Date.now() - started, role, chatId));
    return answer;
  }

  private record(kind: TaskKind, answer: TaskAnswer, durationMs: number, role: Role, chatId: string | undefined): void {
    const record = { type: 'task', task: kind, via: answer.via, answer: answer.content, durationMs };
    const session = chatId ? (this.store.findByChatId(chatId) ?? this.store.create({ chatId, role: role.name, title: 'New chat', cwd: role.cwd })) : undefined;
    if (!session) {
      this.looseLog.append(record);
      return;
    }
    this.store.log(session.id).append(record);
    const title = kind === 'title' && typeof answer.value === 'string' ? answer.value.trim() : undefined;
    if (title) this.store.setGeneratedTitle(session, title);
    this.store.touch(session);
  }

  close(): void {
    this.looseLog.close();
  }
}
