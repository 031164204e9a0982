/** `archflow mcp [--dir <output folder>] [--prd <file>]`: the MCP server over stdio. */
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_OUTPUT_FOLDER } from '../core/config';
import type { EngineSettings } from '../core/engine';
import type { Logger } from '../core/log';
import { serveStdio } from './server';

export interface McpCommandOptions {
  dir?: string;
  prd?: string;
  settings: EngineSettings;
}

/** The package's version, from the package.json beside dist/ (the server reports it to clients). */
function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Everything the server says goes to stderr: stdout is the protocol's. */
const stderrLog: Logger = {
  info: (m) => process.stderr.write(`archflow mcp: ${m}\n`),
  warn: (m) => process.stderr.write(`archflow mcp: warning: ${m}\n`),
  error: (m) => process.stderr.write(`archflow mcp: error: ${m}\n`),
};

/** Starts the server; resolves to the exit code when the client disconnects (2 for bad arguments). */
export async function serveMcp(options: McpCommandOptions): Promise<number> {
  const outputDir = path.resolve(options.dir ?? DEFAULT_OUTPUT_FOLDER);
  const stat = await fs.stat(outputDir).catch(() => undefined);
  if (stat && !stat.isDirectory()) {
    process.stderr.write(`archflow: --dir ${outputDir} is a file; give the output folder of a run.\n`);
    return 2;
  }
  let defaultPrd: string | undefined;
  if (options.prd !== undefined) {
    defaultPrd = path.resolve(options.prd);
    if (!(await fs.stat(defaultPrd).catch(() => undefined))?.isFile()) {
      process.stderr.write(`archflow: --prd ${defaultPrd} is not a file.\n`);
      return 2;
    }
  }
  await serveStdio(
    {
      version: packageVersion(),
      outputDir,
      root: process.cwd(),
      defaultPrd,
      settings: options.settings,
      env: process.env,
      log: stderrLog,
    },
    stderrLog,
  );
  return 0;
}
