/** What the first-run guide asks the core: Claude Code's state, and a test chat's outcome. */

/** What the first-run guide checks: Claude Code found and runnable, and whether it has a login of its own. */
export interface SetupCheck {
  claude: {
    /** The executable, or null when none was found (then `searched` says where it was looked for). */
    path: string | null;
    searched: string[];
    /** `claude --version`'s answer, or null when it could not be run (then `error` says why). */
    version: string | null;
    error: string | null;
    /** Claude Code's own login (a subscription): never the credentials, only whether and how. */
    loggedIn: boolean;
    /** How it is logged in (e.g. `claude.ai`), or null. */
    loginMethod: string | null;
  };
  /** The API server's base URL and the key clients send (the panel shows it behind a button). */
  apiBaseUrl: string;
}

/** The test chat's outcome: the answer, or the API's error with its code. */
export interface SetupTestChat {
  ok: boolean;
  model: string;
  answer: string;
  durationMs: number;
  costUsd: number | null;
  tokens: number | null;
  /** The session it made (shown in Sessions). */
  sessionId: string | null;
  error: { status: number; code: string | null; message: string } | null;
}
