/** The logger port. Implementations must never receive secrets; callers pass none. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
