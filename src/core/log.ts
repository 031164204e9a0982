import { redactSecrets } from './redact';

/** The logger port. Implementations must never receive secrets; callers pass none. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** `log` with every line scrubbed of secrets (redact.ts) before it gets there. */
export function redactedLogger(log: Logger): Logger {
  return {
    info: (m) => log.info(redactSecrets(m)),
    warn: (m) => log.warn(redactSecrets(m)),
    error: (m) => log.error(redactSecrets(m)),
  };
}
