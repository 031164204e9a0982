/**
 * C4 in VS Code's Markdown preview: our markdown-it plugin renders ARCHITECTURE.md of a real bundle,
 * and the preview script draws every C4 block in Chromium under a strict nonce CSP like the Markdown
 * preview's, in the dark and high-contrast themes; the count of drawn diagrams equals the C4 blocks.
 */
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as esbuild from 'esbuild';
import markdownIt from 'markdown-it';
import { fencedBlocks } from '../../src/core/markdown';
import { extendMarkdownIt } from '../../src/vscode/markdownPlugin';
import { createBundleFixture } from '../helpers/bundleFixture';
import { repoRoot } from '../helpers/paths';
import { CHROMIUM_PATH, SCREENSHOT_DIR, launchChromium, tempDir } from './harness';

const skip = existsSync(CHROMIUM_PATH) ? false : `Debian chromium is not installed at ${CHROMIUM_PATH}.`;

test(
  'the Markdown preview draws every C4 block of ARCHITECTURE.md, offline and themed',
  { skip, timeout: 120_000 },
  async () => {
    const fixture = await createBundleFixture();
    const work = await tempDir('archflow-mdpreview-');
    const browser = await launchChromium();
    try {
      const markdown = await fixture.read('ARCHITECTURE.md');
      const c4Blocks = fencedBlocks(markdown).filter((b) => b.info === 'mermaid' && /^\s*C4/.test(b.body)).length;
      assert.ok(c4Blocks >= 3, `ARCHITECTURE.md has C4 blocks (${c4Blocks})`);
      const md = extendMarkdownIt(markdownIt({ html: true }));
      const body = md.render(markdown);
      const outfile = path.join(work, 'markdownPreview.js');
      await esbuild.build({
        entryPoints: [path.join(repoRoot, 'src', 'webview', 'markdownPreview.ts')],
        outfile,
        bundle: true,
        platform: 'browser',
        format: 'iife',
        target: 'es2022',
        minify: true,
        logLevel: 'silent',
      });
      const script = await fs.readFile(outfile, 'utf8');
      const css = await fs.readFile(path.join(repoRoot, 'media', 'markdown-preview.css'), 'utf8');
      for (const theme of ['vscode-dark', 'vscode-high-contrast'] as const) {
        const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
        const requests: string[] = [];
        const errors: string[] = [];
        page.on('request', (r) => requests.push(r.url()));
        page.on('pageerror', (e) => errors.push(e.message));
        const html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-n0nce'; style-src 'unsafe-inline'; img-src data:">
<style>${css} body { background: ${theme === 'vscode-dark' ? '#1f1f1f' : '#000'}; color: #ccc; font-family: sans-serif; }</style></head>
<body class="vscode-body ${theme}"><div class="markdown-body">${body}</div><script nonce="n0nce">${script.replace(/<\/script/g, '<\\/script')}</script></body></html>`;
        await page.setContent(html);
        await page.waitForFunction(
          `document.querySelectorAll('.archflow-c4.drawn svg').length >= ${c4Blocks}`,
          undefined,
          {
            timeout: 30_000,
          },
        );
        const counts = await page.evaluate(
          `({ drawn: document.querySelectorAll('.archflow-c4.drawn svg [data-element-id]').length, blocks: document.querySelectorAll('.archflow-c4').length, raw: [...document.querySelectorAll('pre')].filter((p) => p.offsetParent !== null && /C4(Context|Container|Component)/.test(p.textContent)).length })`,
        );
        const c = counts as { drawn: number; blocks: number; raw: number };
        assert.equal(c.blocks, c4Blocks, 'one placeholder per C4 block');
        assert.ok(c.drawn > 0, 'the diagrams have their elements');
        assert.equal(c.raw, 0, 'no C4 block is left as raw code');
        assert.deepEqual(errors, []);
        assert.deepEqual(
          requests.filter((u) => !u.startsWith('data:') && u !== 'about:blank'),
          [],
          'nothing is fetched',
        );
        await fs.mkdir(SCREENSHOT_DIR, { recursive: true });
        await page
          .locator('.archflow-c4.drawn')
          .first()
          .screenshot({ path: path.join(SCREENSHOT_DIR, `markdown-preview-${theme}.png`) });
        await page.close();
      }
    } finally {
      await browser.close();
      await fixture.dispose();
      await fs.rm(work, { recursive: true, force: true });
    }
  },
);
