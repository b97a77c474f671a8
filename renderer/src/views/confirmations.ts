/** Questions asked before changes with consequences, shared by the views that can make them. */
import type { Confirmation } from '../ui/Dialog';

export const BYPASS: Confirmation = {
  title: 'Let Claude Code act without asking?',
  body:
    'In bypassPermissions mode Claude Code runs every tool without asking: shell commands, and file writes and edits anywhere the Helix process can write, ' +
    'not only in the session folder. It applies to the next run of every chat.',
  confirmLabel: 'Run without asking',
};
