/**
 * A command line as the diagnostic log may hold it: every flag, but only the values of flags
 * known to hold nothing private (model, modes, session id). Any other value — a system prompt,
 * settings that could carry a token, a flag added later — shows as its length only.
 */
const SHOWN_VALUES = new Set(['--input-format', '--output-format', '--model', '--permission-mode', '--allowedTools', '--max-turns', '--resume', '--resume-session-at', '--permission-prompt-tool', '--fallback-model']);

/** A flag's name; anything else starting with "-" (e.g. a prompt) is a value. */
const FLAG = /^--?[A-Za-z][A-Za-z0-9-]*$/;

export function loggableArgs(args: readonly string[]): string[] {
  let flag: string | undefined;
  return args.map((arg) => {
    const [name, value] = splitOnce(arg, '=');
    if (FLAG.test(name)) {
      flag = name;
      if (value === undefined) return name;
      return `${name}=${SHOWN_VALUES.has(name) ? value : hidden(value)}`;
    }
    const shown = flag !== undefined && SHOWN_VALUES.has(flag);
    if (flag !== '--allowedTools') flag = undefined; // one value each, but a list of tools
    return shown ? arg : hidden(arg);
  });
}

function hidden(value: string): string {
  return `<${value.length} chars>`;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
