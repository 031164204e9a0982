/**
 * The fake Anthropic server of one test file: started before its tests, its faults and records
 * cleared before each test, closed after them; and the CLI's environment that points at it.
 */
import { after, before, beforeEach } from 'node:test';
import { type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server';
import { FAST_RETRY_ENV } from './cli';

export interface FakePerFile {
  /** The running server (only inside tests and hooks). */
  readonly server: FakeAnthropic;
  /** A key, the server's address and fast retries, plus `extra`. */
  env(extra?: Record<string, string>): Record<string, string>;
}

/** Call at the top level of a test file. */
export function fakeServerPerFile(): FakePerFile {
  let running: FakeAnthropic | undefined;
  before(async () => {
    running = await startFakeAnthropic({ port: 0 });
  });
  after(async () => {
    await running?.close();
  });
  beforeEach(() => {
    running?.clearFaults();
    running?.reset();
  });
  const server = (): FakeAnthropic => {
    if (!running) throw new Error('the fake server runs only inside the tests of the file');
    return running;
  };
  return {
    get server() {
      return server();
    },
    env: (extra = {}) => ({
      ANTHROPIC_API_KEY: 'sk-ant-test-key',
      ANTHROPIC_BASE_URL: server().url,
      ...FAST_RETRY_ENV,
      ...extra,
    }),
  };
}
