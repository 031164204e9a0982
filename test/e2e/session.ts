/**
 * One end-to-end session: Archflow (and any test extensions) installed into a fresh code-server,
 * code-server started, and Chromium on its workbench with the workspace open. Each suite makes
 * one in `before` and closes it in `after`.
 */
import type { Browser } from 'playwright-core';
import {
  type CodeServerDirs,
  type CodeServerInstall,
  type RunningCodeServer,
  installExtension,
  startCodeServer,
} from './codeServer';
import { Workbench, launchChromium } from './workbench';

export interface OpenedWorkbench {
  server: RunningCodeServer;
  browser: Browser;
  wb: Workbench;
}

export interface OpenOptions {
  install: CodeServerInstall;
  dirs: CodeServerDirs;
  /** Installed in order, as a user would install them. */
  vsixes: string[];
  /** Added to code-server's environment (the extension host inherits it). */
  env: Record<string, string | undefined>;
  logFile: string;
  /** The workspace folder opened, and the file the workbench must show before it counts as open. */
  folder: string;
  expectFile: string;
  viewport: { width: number; height: number };
}

/** Installs, starts and opens; on a failure part-way, stops what it started before it throws. */
export async function openWorkbench(o: OpenOptions): Promise<OpenedWorkbench> {
  for (const vsix of o.vsixes) await installExtension(o.install, o.dirs, vsix);
  const server = await startCodeServer({ install: o.install, ...o.dirs, env: o.env, logFile: o.logFile });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const wb = new Workbench(await browser.newPage({ viewport: o.viewport }));
    await wb.open(server.folderUrl(o.folder), o.expectFile);
    return { server, browser, wb };
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await server.stop();
    throw err;
  }
}

/** Closes whichever parts of a session started (the browser, code-server, the fake server). */
export async function closeWorkbench(parts: {
  browser?: Browser;
  server?: RunningCodeServer;
  fake?: { close(): Promise<void> };
}): Promise<void> {
  await parts.browser?.close().catch(() => undefined);
  await parts.server?.stop();
  await parts.fake?.close();
}
