/**
 * Command line for the fake Anthropic server:
 *   node out/test/fake-anthropic/main.js --port 4010 [--chunk-delay-ms 20] [--chunk-size 80]
 *     [--latency-ms 300] [--faults faults.json] [--valid-keys k1,k2] [--min-cache-tokens 1024]
 *     [--replay answers-dir] [--verbose]  (recorded answers are brought up to today's output contract)
 * Runs until SIGINT or SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { loadReplay, parseFaultRules, startFakeAnthropic, type FakeAnthropicOptions } from './server';
import { upgradeRecordedAnswers } from './upgrade';

const USAGE =
  'Usage: fake-anthropic --port <p> [--chunk-delay-ms N] [--chunk-size N] [--latency-ms N] [--faults <json-file>] [--valid-keys k1,k2] [--min-cache-tokens N] [--replay <dir of step-N.md>] [--verbose]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): FakeAnthropicOptions & { replayDir?: string } {
  const options: FakeAnthropicOptions & { replayDir?: string } = { port: 0 };
  const int = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < 0) fail(`${flag} needs a non-negative integer.`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case '--port':
        options.port = int(flag, value);
        i++;
        break;
      case '--chunk-delay-ms':
        options.chunkDelayMs = int(flag, value);
        i++;
        break;
      case '--chunk-size':
        options.chunkSize = Math.max(1, int(flag, value));
        i++;
        break;
      case '--latency-ms':
        options.latencyMs = int(flag, value);
        i++;
        break;
      case '--min-cache-tokens':
        options.minCacheTokens = int(flag, value);
        i++;
        break;
      case '--faults': {
        if (!value) fail('--faults needs a JSON file.');
        try {
          options.faults = parseFaultRules(JSON.parse(readFileSync(value, 'utf8')));
        } catch (err) {
          fail(`Cannot use fault file ${value}: ${(err as Error).message}`);
        }
        i++;
        break;
      }
      case '--valid-keys':
        if (!value) fail('--valid-keys needs a comma-separated list.');
        options.validKeys = value
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean);
        i++;
        break;
      case '--replay':
        if (!value) fail('--replay needs a folder of step-N.md answers.');
        options.replayDir = value;
        i++;
        break;
      case '--verbose':
        options.log = (line) => process.stdout.write(`${line}\n`);
        break;
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        fail(`Unknown argument ${flag}.`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  const { replayDir, ...options } = parseArgs(process.argv.slice(2));
  if (replayDir) {
    try {
      // Recorded answers brought up to today's output contract, as the tests replay them (upgrade.ts).
      options.replay = upgradeRecordedAnswers(await loadReplay(replayDir));
    } catch (err) {
      fail(`Cannot replay ${replayDir}: ${(err as Error).message}`);
    }
  }
  const fake = await startFakeAnthropic(options);
  process.stdout.write(`fake-anthropic listening on ${fake.url}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake-anthropic: ${(err as Error).message}\n`);
  process.exit(1);
});
