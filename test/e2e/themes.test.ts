/**
 * Every C4 view in VS Code's light, dark and high-contrast themes, in real code-server: the packaged
 * .vsix, a workspace with a finished run (made by the CLI against the fake server), the preview
 * opened from the command palette, the colour theme set in the user settings (then the window
 * reloaded, the panel restored by itself), and every view reached through the panel's level buttons and pickers. Each view in each theme is a screenshot in
 * .test-output/e2e/<version>/themes/, and its text is measured against what it is drawn on (4.5:1)
 * with the theme's own colours. Once per VS Code of the matrix (targets.ts).
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Frame } from 'playwright-core';
import { type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server';
import { listFiles } from '../helpers/cli';
import { type RunningCodeServer, ensureCodeServer } from './codeServer';
import {
  OUTPUT_FOLDER,
  PRD_NAME,
  WORKBENCH_SETTINGS,
  createWorkspace,
  designWithCli,
  freshVsix,
  outputDirFor,
  writeUserSettings,
} from './setup';
import { type VscodeTarget, selectedTargets } from './targets';
import { Workbench } from './workbench';
import { closeWorkbench, openWorkbench } from './session';

/** VS Code's built-in themes and the class the workbench then carries. */
const THEMES = [
  { name: 'light', colorTheme: 'Default Light Modern', workbenchClass: 'vs' },
  { name: 'dark', colorTheme: 'Default Dark Modern', workbenchClass: 'vs-dark' },
  { name: 'high-contrast', colorTheme: 'Default High Contrast', workbenchClass: 'hc-black' },
] as const;

/** Runs in the webview: texts of the diagram below 4.5:1 against the fill under them. */
const LOW_CONTRAST = `() => {
  const svg = document.querySelector('#canvas svg');
  const rgb = (c) => (c.match(/[\\d.]+/g) || ['0', '0', '0']).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m); return (x + 0.05) / (y + 0.05); };
  const under = (t) => {
    const g = t.closest('g.af-element');
    if (g) return getComputedStyle(g.querySelector('.af-shape')).fill;
    const l = t.closest('g.af-edge-label');
    if (l) return getComputedStyle(l.querySelector('.af-label-bg')).fill;
    return getComputedStyle(svg.querySelector('.af-bg')).fill;
  };
  const out = [];
  for (const t of svg.querySelectorAll('text')) {
    const c = ratio(rgb(getComputedStyle(t).fill), rgb(under(t)));
    if (c < 4.5) out.push(t.textContent + ' ' + c.toFixed(2));
  }
  return { low: out, texts: svg.querySelectorAll('text').length, key: svg.dataset.diagram, fill: getComputedStyle(svg.querySelector('.af-bg')).fill };
}`;

for (const target of selectedTargets()) themesOn(target);

function themesOn(target: VscodeTarget): void {
  const OUTPUT_ROOT = path.join(outputDirFor(target), 'themes');

  describe(
    `C4 views in the light, dark and high-contrast themes of VS Code ${target.vscode}`,
    { timeout: 12 * 60_000 },
    () => {
      let root: string;
      let outDir: string;
      let userDataDir: string;
      let fake: FakeAnthropic;
      let server: RunningCodeServer | undefined;
      let browser: Browser | undefined;
      let wb: Workbench;
      let views: string[] = [];
      const seen: { theme: string; file: string; key: string; low: string[]; fill: string }[] = [];

      before(async () => {
        await fs.rm(OUTPUT_ROOT, { recursive: true, force: true });
        await fs.mkdir(OUTPUT_ROOT, { recursive: true });
        const install = await ensureCodeServer(target);
        const vsix = await freshVsix();
        root = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-themes-'));
        const workspace = path.join(root, 'workspace');
        const prd = await createWorkspace(workspace);
        fake = await startFakeAnthropic();
        await designWithCli(prd, fake.url);
        outDir = path.join(workspace, ...OUTPUT_FOLDER.split('/'));
        views = (await listFiles(outDir)).filter((f) => /^diagrams\/c4-.*\.mmd$/.test(f)).sort();
        const dirs = { userDataDir: path.join(root, 'user-data'), extensionsDir: path.join(root, 'extensions') };
        userDataDir = dirs.userDataDir;
        await writeUserSettings(dirs.userDataDir, {
          ...WORKBENCH_SETTINGS,
          'workbench.colorTheme': 'Default Dark Modern',
        });
        ({ server, browser, wb } = await openWorkbench({
          install,
          dirs,
          vsixes: [vsix],
          env: { ANTHROPIC_API_KEY: undefined, ANTHROPIC_BASE_URL: undefined },
          logFile: path.join(OUTPUT_ROOT, 'code-server.log'),
          folder: workspace,
          expectFile: PRD_NAME,
          viewport: { width: 1280, height: 900 },
        }));
      });

      after(async () => {
        await closeWorkbench({ browser, server, fake });
        if (root) await fs.rm(root, { recursive: true, force: true });
      });

      /**
       * Sets the colour theme in the user settings and reloads the window (the panel comes back by
       * itself); the settings file alone is not always noticed within the test's patience. A reload
       * that still shows the old theme (seen once on 1.139 in CI) is followed by another write and
       * reload: the workbench reads its settings afresh each time.
       */
      const setTheme = async (name: string, workbenchClass: string): Promise<void> => {
        const themed = wb.page.locator(`.monaco-workbench.${workbenchClass}`);
        for (let attempt = 1; ; attempt++) {
          await writeUserSettings(userDataDir, { 'workbench.colorTheme': name });
          await wb.page.reload();
          await wb.waitReady();
          const shown = await themed.waitFor({ timeout: 20_000 }).then(
            () => true,
            () => false,
          );
          if (shown) return;
          if (attempt === 3) {
            const classes = await wb.page.evaluate("document.querySelector('.monaco-workbench')?.className");
            throw new Error(
              `${name} is not shown after ${attempt} reloads; the workbench's classes: ${String(classes)}`,
            );
          }
        }
      };

      /** The key of the view drawn once it is not `before` any more. */
      const drawnAfter = async (frame: Frame, before: string | undefined): Promise<string> => {
        const deadline = Date.now() + 20_000;
        for (;;) {
          const key = await frame.locator('#canvas svg').getAttribute('data-diagram');
          if (key && key !== before) return key;
          if (Date.now() > deadline) return key ?? '';
          await frame.waitForTimeout(200);
        }
      };

      /** Every view through the panel's own controls: the level buttons, then the container and environment pickers. */
      const eachView = async (frame: Frame, visit: (key: string) => Promise<void>): Promise<void> => {
        let key: string | undefined = (await frame.locator('#canvas svg').getAttribute('data-diagram')) ?? undefined;
        for (const level of [1, 2, 3, 4]) {
          const button = frame.locator(`vscode-button[data-level="${level}"]`);
          await button.click();
          await frame.locator(`vscode-button[data-level="${level}"][aria-pressed="true"]`).waitFor();
          key = await drawnAfter(frame, level === 1 && key === 'context' ? undefined : key);
          await visit(key);
          const picker = level === 3 ? '#component-select' : level === 4 ? '#environment-select' : undefined;
          if (!picker) continue;
          // Each other option of the picker (the one shown is the one chosen last, even across a reload).
          const values = await frame
            .locator(`${picker} vscode-option`)
            .evaluateAll((os) => os.map((o) => o.getAttribute('value') ?? ''));
          for (const value of values.filter((v) => v !== key)) {
            await frame.locator(picker).click();
            await frame.locator(`${picker} vscode-option[value="${value}"]`).click();
            key = await drawnAfter(frame, key);
            await visit(key);
          }
        }
      };

      test('each view is drawn in each theme with text of 4.5:1 or more, and a screenshot is kept', async () => {
        assert.ok(views.length >= 5, views.join(', '));
        assert.ok(
          views.some((v) => /^diagrams\/c4-deployment-.+\.mmd$/.test(v)),
          `a deployment view per environment: ${views.join(', ')}`,
        );
        for (const theme of THEMES) {
          await setTheme(theme.colorTheme, theme.workbenchClass);
          // The panel open before the reload comes back; the first time it is opened.
          const frame = await wb.previewFrame('#canvas svg', 20_000).catch(async () => {
            await wb.runCommand('Archflow: Open Preview');
            return wb.previewFrame('#canvas svg');
          });
          await eachView(frame, async (key) => {
            await frame.locator('#zoom-fit').click();
            await frame.waitForTimeout(300);
            const m = await frame.evaluate<{ low: string[]; texts: number; key: string; fill: string }>(
              `(${LOW_CONTRAST})()`,
            );
            assert.ok(m.texts > 3, `${theme.name} ${key}: the view has text`);
            seen.push({ theme: theme.name, file: key, key: m.key, low: m.low, fill: m.fill });
            await wb.page.mouse.move(5, 890);
            await wb.page.screenshot({
              path: path.join(OUTPUT_ROOT, `${theme.name}-${key.replace(/[^a-z0-9]+/gi, '-')}.png`),
            });
          });
          assert.equal(await frame.locator('.render-error').count(), 0, `${theme.name}: no render error`);
        }
        for (const s of seen) assert.deepEqual(s.low, [], `${s.theme} ${s.file}: text below 4.5:1`);
        // Every view was shown (not one view photographed again and again).
        for (const theme of THEMES) {
          const keys = new Set(seen.filter((s) => s.theme === theme.name).map((s) => s.key));
          assert.equal(keys.size, views.length, `${theme.name}: ${[...keys].join(', ')}`);
        }
        // The canvas follows the theme.
        const canvas = new Set(seen.map((s) => `${s.theme}:${s.fill}`).map((x) => x.split(':')[1]));
        assert.equal(canvas.size, THEMES.length, `one canvas colour per theme: ${[...canvas].join(', ')}`);
      });
    },
  );
}
