/** The control service over a real session store alone (no config, runs or usage to speak of): what deletes a session, with its Claude Code transcripts under `projects`. */
import { ControlService } from '../../main/control/control-service';
import { deleteTranscripts } from '../../main/runner/claude-transcripts';
import type { SessionStore } from '../../main/sessions/session-store';
import { UsageIndex } from '../../main/usage/usage-index';

export function sessionsControl(store: SessionStore, projects: string): ControlService {
  return new ControlService({
    config: { onChange: () => () => undefined, current: { settings: {}, roles: [], providers: {} } },
    sessions: store,
    turns: { onTurnEvent: () => () => undefined },
    usage: new UsageIndex(),
    deleteTranscripts: (ids: string[]) => deleteTranscripts(projects, ids),
  } as unknown as ConstructorParameters<typeof ControlService>[0]);
}
