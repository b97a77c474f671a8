/**
 * Answers Open WebUI's background tasks without Claude Code — from the role's provider when it
 * can be called directly, else locally — and records them in the chat's session log as tasks.
 */
import path from 'node:path';
import { writeOrWarn } from '../core/data-dir';
import type { KeyLookup } from '../providers/key-store';
import type { HelixConfig, Role } from '../providers/load-config';
import { EventLog } from '../sessions/event-log';
import type { SessionStore } from '../sessions/session-store';
import type { TaskKind } from './detect-task';
import { localTaskAnswer } from './local-answer';
import { openWebUiJson, providerTaskAnswer } from './provider-answer';

interface TaskAnswer {
  content: string;
  via: 'provider' | 'local';
}

export class TaskService {
  /** Tasks that name no chat are logged here. */
  private readonly looseLog: EventLog;

  constructor(
    private readonly store: SessionStore,
    private readonly keys: KeyLookup,
  ) {
    this.looseLog = new EventLog(path.join(store.dir, 'tasks.ndjson'));
  }

  async answer(kind: TaskKind, prompt: string, role: Role, config: HelixConfig, chatId?: string): Promise<TaskAnswer> {
    const started = Date.now();
    const fromProvider = await providerTaskAnswer(kind, prompt, role, config, this.keys);
    const answer: TaskAnswer = fromProvider ? { content: fromProvider, via: 'provider' } : { content: localTaskAnswer(kind, prompt), via: 'local' };

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
    const title = kind === 'title' ? parsedTitle(answer.content) : undefined;
    if (title) {
      session.title = title;
      this.store.log(session.id).append({ type: 'title', title });
    }
    this.store.touch(session);
  }

  close(): void {
    this.looseLog.close();
  }
}

function parsedTitle(content: string): string | undefined {
  const value = (openWebUiJson(content) as { title?: unknown } | undefined)?.title;
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
