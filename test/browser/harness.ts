/**
 * Loads the preview panel's real HTML and webview bundle into headless Chromium, the way VS Code
 * would: the page comes from a tiny server on 127.0.0.1 (standing in for the webview resource
 * origin), `acquireVsCodeApi` is a stand-in that records what the page posts, and the host's
 * messages are delivered with window.postMessage. Every request, dialog, page error and CSP
 * violation is recorded so tests can prove hostile content stayed inert.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildPreviewHtml } from '../../src/vscode/preview/html';
import type { HostToWebview } from '../../src/shared/protocol';
import { repoRoot } from '../helpers/paths';
import { THEMES, type ThemeName } from './themes';

export { CHROMIUM_PATH, launchChromium } from '../helpers/chromium';
export const SCREENSHOT_DIR = path.join(repoRoot, '.test-output', 'screenshots');

/** The panel's scripts, as esbuild.mjs builds them: the page's own and the parts it loads when needed. */
export const WEBVIEW_SCRIPTS: Record<string, string> = {
  'webview.js': 'main.ts',
  'webview-diagrams.js': 'chunks/diagrams.ts',
  'webview-mermaid.js': 'chunks/mermaid.ts',
};

/** Builds the panel's scripts from src/webview with the options esbuild.mjs uses, into `outDir`; returns webview.js. */
export async function buildWebviewBundle(outDir: string): Promise<string> {
  await Promise.all(
    Object.entries(WEBVIEW_SCRIPTS).map(([name, entry]) =>
      esbuild.build({
        entryPoints: [path.join(repoRoot, 'src', 'webview', entry)],
        outfile: path.join(outDir, name),
        bundle: true,
        platform: 'browser',
        format: 'iife',
        target: 'es2022',
        minify: true,
        sourcemap: false,
        legalComments: 'none',
        logLevel: 'silent',
      }),
    ),
  );
  return path.join(outDir, 'webview.js');
}

/**
 * Builds the CLI into `<dir>/dist/cli.js` beside a link to the repository's prompts (the CLI reads
 * them from `../prompts` relative to itself), so the test never depends on a stale dist/.
 */
export async function buildCli(dir: string): Promise<string> {
  const outfile = path.join(dir, 'dist', 'cli.js');
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'src', 'cli', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
  });
  await fs.symlink(path.join(repoRoot, 'prompts'), path.join(dir, 'prompts'), 'dir');
  return outfile;
}

/** The page server: the panel's HTML, the bundle and the style sheet; anything else is a 404. */
export interface PageServer {
  origin: string;
  pageUrl: string;
  /** The paths the page may load (everything else is a test failure). */
  ownUrls: Set<string>;
  close(): Promise<void>;
}

export async function startPageServer(bundlePath: string): Promise<PageServer> {
  const scripts = new Map<string, Buffer>();
  for (const name of Object.keys(WEBVIEW_SCRIPTS)) {
    scripts.set(`/dist/${name}`, await fs.readFile(path.join(path.dirname(bundlePath), name)));
  }
  const css = await fs.readFile(path.join(repoRoot, 'media', 'preview.css'));
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const send = (type: string, body: string | Buffer): void => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/index.html') {
      // A fresh nonce per page, as the extension makes one per webview.
      send(
        'text/html; charset=utf-8',
        buildPreviewHtml({
          nonce: randomBytes(18).toString('base64'),
          cspSource: origin,
          scriptUri: `${origin}/dist/webview.js`,
          styleUri: `${origin}/media/preview.css`,
        }),
      );
    } else if (scripts.has(url.pathname)) {
      send('text/javascript; charset=utf-8', scripts.get(url.pathname)!);
    } else if (url.pathname === '/media/preview.css') {
      send('text/css; charset=utf-8', css);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    pageUrl: `${origin}/index.html`,
    ownUrls: new Set([
      `${origin}/index.html`,
      ...[...scripts.keys()].map((p) => `${origin}${p}`),
      `${origin}/media/preview.css`,
    ]),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Runs in the page before any of its scripts: the stand-in for VS Code's webview API (callable once,
 * like the real one), and recorders for CSP violations.
 */
const INIT_SCRIPT = `(() => {
  let acquired = false;
  window.__posted = [];
  window.__savedState = undefined;
  window.__acquireCalls = 0;
  window.__csp = [];
  window.acquireVsCodeApi = () => {
    window.__acquireCalls++;
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage: (message) => { window.__posted.push(JSON.parse(JSON.stringify(message))); },
      getState: () => window.__savedState,
      setState: (state) => { window.__savedState = JSON.parse(JSON.stringify(state)); return state; },
    });
  };
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__csp.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile });
  });
})();`;

/** One panel page and what it did. */
export interface PanelPage {
  page: Page;
  context: BrowserContext;
  /** Every URL the page requested. */
  requests: string[];
  dialogs: string[];
  pageErrors: string[];
  consoleErrors: string[];
  /** Messages the page posted to the "host". */
  posted(): Promise<unknown[]>;
  cspViolations(): Promise<{ directive: string; blocked: string; sample: string; source: string }[]>;
  /** Delivers a host message. */
  send(message: HostToWebview): Promise<void>;
  close(): Promise<void>;
}

/** Opens the panel page in `theme` and waits for its `ready` handshake. */
export async function openPanel(
  browser: Browser,
  server: PageServer,
  theme: ThemeName = 'dark',
  savedState?: unknown,
): Promise<PanelPage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const requests: string[] = [];
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  await page.addInitScript(INIT_SCRIPT);
  if (savedState !== undefined) await page.addInitScript(`window.__savedState = ${JSON.stringify(savedState)};`);
  await page.goto(server.pageUrl);
  await applyTheme(page, theme);
  await waitInPage(page, '() => (window.__posted || []).some((m) => m.type === "ready")');
  return {
    page,
    context,
    requests,
    dialogs,
    pageErrors,
    consoleErrors,
    posted: () => inPage<unknown[]>(page, '() => window.__posted'),
    cspViolations: () => inPage(page, '() => window.__csp'),
    send: async (message) => {
      await inPage(page, '(m) => { window.postMessage(m, "*"); }', message);
    },
    close: () => context.close(),
  };
}

/**
 * Runs `fn` (a function expression as text, called with `arg` as JSON) in the page. DOM code stays in
 * strings because the tests compile against Node's types, not the DOM's.
 */
export async function inPage<T = unknown>(page: Page, fn: string, arg?: unknown, timeout = 30_000): Promise<T> {
  // page.evaluate has no timeout of its own: a page stuck in a loop would hang the suite.
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`The page did not answer within ${timeout} ms: ${fn.slice(0, 80)}`)),
      timeout,
    );
  });
  try {
    return await Promise.race([page.evaluate(`(${fn})(${JSON.stringify(arg ?? null)})`) as Promise<T>, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits until `fn` (a function expression as text, called with `arg`) returns a truthy value in the
 * page. Polls with `inPage` (DevTools evaluation) rather than page.waitForFunction, whose polling
 * compiles the predicate inside the page, which the panel's CSP (no eval) rightly refuses.
 */
export async function waitInPage(page: Page, fn: string, arg?: unknown, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await inPage<unknown>(page, fn, arg, timeout)) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeout} ms waiting for ${fn.slice(0, 120)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sets VS Code's theme variables on <html> and its theme class on <body>, as VS Code does. */
export async function applyTheme(page: Page, theme: ThemeName): Promise<void> {
  const t = THEMES[theme];
  await inPage(
    page,
    `({ vars, bodyClass, kind }) => {
      const root = document.documentElement;
      for (const [k, v] of Object.entries(vars)) root.style.setProperty(k, v);
      document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light');
      document.body.classList.add(...bodyClass.split(' '));
      document.body.setAttribute('data-vscode-theme-kind', kind);
    }`,
    { vars: t.vars, bodyClass: t.bodyClass, kind: t.kind },
  );
}

/** A fresh temporary folder. */
export function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Writes a screenshot of the page under .test-output/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await fs.mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Runs a built CLI to completion. */
export function runCliAt(
  cli: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Text in `selector` (light DOM, visible) whose colour is below `min`:1 against the first opaque
 * background behind it (WCAG contrast ratio), as "text (ratio)".
 */
export function lowContrastText(page: Page, selector: string, min = 4.5): Promise<string[]> {
  return inPage<string[]>(
    page,
    `({ selector, min }) => {
      const rgba = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
      const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
      const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m); return (x + 0.05) / (y + 0.05); };
      const background = (el) => {
        for (let e = el; e; e = e.parentElement) {
          const c = rgba(getComputedStyle(e).backgroundColor);
          if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c;
        }
        return rgba(getComputedStyle(document.body).backgroundColor);
      };
      const out = [];
      for (const el of document.querySelectorAll(selector + ' *')) {
        if (el.namespaceURI !== 'http://www.w3.org/1999/xhtml' || el.closest('svg')) continue;
        const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if (!own || el.getClientRects().length === 0 || getComputedStyle(el).visibility === 'hidden') continue;
        const c = ratio(rgba(getComputedStyle(el).color), background(el));
        if (c < min) out.push(el.textContent.trim().slice(0, 40) + ' (' + c.toFixed(2) + ')');
      }
      return out;
    }`,
    { selector, min },
  );
}
