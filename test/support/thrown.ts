/** The error `run` throws, which must be a `type`; anything else thrown is rethrown, and throwing nothing fails. */
export function thrown<T extends Error>(run: () => unknown, type: abstract new (...args: never[]) => T): T {
  try {
    run();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}, nothing was thrown`);
}
