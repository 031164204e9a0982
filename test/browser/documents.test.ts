/**
 * Bundles written by the CLI, rendered by the preview panel in headless Chromium: the fake model's
 * for the English sample, and a real Claude model's answers (../shared/corpus/saas-activation)
 * brought up to today's contract and replayed. The three C4 levels draw, and the documents render
 * every Mermaid block without an error — the deployment view's C4Deployment among them — with no
 * page error. The real answers are skipped, naming what is missing, without ../shared.
 */
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { HostToWebview } from '../../src/shared/protocol';
import { loadReplay, startFakeAnthropic } from '../fake-anthropic/server';
import { upgradeRecordedAnswers } from '../fake-anthropic/upgrade';
import { FAST_RETRY_ENV } from '../helpers/cli';
import { samplePrd } from '../helpers/paths';
import { sharedFolder } from '../helpers/shared';
import { stateFor, stateOf } from './fixtures';
import {
  CHROMIUM_PATH,
  type PageServer,
  buildCli,
  buildWebviewBundle,
  inPage,
  launchChromium,
  openPanel,
  runCliAt,
  screenshot,
  startPageServer,
  tempDir,
  waitInPage,
} from './harness';

const corpus = sharedFolder('corpus');
const recorded = path.join(corpus.dir, 'saas-activation');
const noChromium = existsSync(CHROMIUM_PATH)
  ? false
  : `Debian chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium)`;

/** Writes a bundle with the CLI against the fake server (replaying `answers` when given) and returns its state message. */
async function bundleState(
  work: string,
  cli: string,
  prdSource: string,
  answers?: string,
): Promise<HostToWebview & { type: 'state' }> {
  const fake = await startFakeAnthropic({
    port: 0,
    replay: answers ? upgradeRecordedAnswers(await loadReplay(answers)) : undefined,
  });
  try {
    const dir = await fs.mkdtemp(path.join(work, 'ws-'));
    const prd = path.join(dir, 'PRD.md');
    await fs.copyFile(prdSource, prd);
    const out = path.join(dir, 'docs', 'architecture');
    const run = await runCliAt(cli, ['design', prd, '--out', out, '--quiet'], {
      ANTHROPIC_API_KEY: 'test-key',
      ANTHROPIC_BASE_URL: fake.url,
      ...FAST_RETRY_ENV,
    });
    assert.equal(run.code, 0, `the CLI failed:\n${run.stdout}\n${run.stderr}`);
    return await stateFor(out);
  } finally {
    await fake.close();
  }
}

describe('documents of CLI bundles in the preview panel', { skip: noChromium, timeout: 600_000 }, () => {
  let work: string;
  let cli: string;
  let server: PageServer;
  let browser: Browser;

  before(async () => {
    work = await tempDir('archflow-browser-docs-');
    server = await startPageServer(await buildWebviewBundle(path.join(work, 'webview')));
    cli = await buildCli(path.join(work, 'cli'));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  /** Draws the three levels, then renders the documents and checks every Mermaid block drew, the deployment view among them. */
  async function renders(
    name: string,
    state: HostToWebview & { type: 'state' },
    deploymentText: RegExp,
  ): Promise<void> {
    const s = stateOf(state);
    const panel = await openPanel(browser, server, 'light');
    try {
      const { page } = panel;
      await panel.send(state);
      for (const level of [1, 2, 3] as const) {
        const diagram = s.diagrams.find((d) => d.level === level)!;
        await page.click(`vscode-button[data-level="${level}"]`);
        await page.waitForSelector(`#canvas svg[data-diagram="${diagram.key}"]`, { timeout: 60_000 });
        await screenshot(page, `${name}-level${level}`);
      }
      await page.click('#tab-documents');
      await page.waitForSelector('#view-documents:not([hidden])');
      for (const file of ['05-infrastructure-architecture.md', 'ARCHITECTURE.md']) {
        await page.click('#document-select');
        await page.locator(`#document-select vscode-option[value="${file}"]`).click();
        await waitInPage(page, '(f) => window.__savedState?.document === f', file);
        await waitInPage(
          page,
          `() => {
            const blocks = [...document.querySelectorAll('#document .md-mermaid')];
            return blocks.length > 0 && blocks.every((b) => b.querySelector('svg') || b.querySelector('.render-error'));
          }`,
          undefined,
          60_000,
        );
        const result = await inPage<{ svgs: number; errors: string[]; deployment: boolean }>(
          page,
          `(re) => {
            const blocks = [...document.querySelectorAll('#document .md-mermaid')];
            const deployment = blocks.find((b) => b.querySelector('svg') && new RegExp(re).test(b.textContent));
            deployment?.scrollIntoView();
            return {
              svgs: blocks.filter((b) => b.querySelector('svg')).length,
              errors: blocks.filter((b) => b.querySelector('.render-error')).map((b) => b.textContent.slice(0, 200)),
              deployment: deployment !== undefined,
            };
          }`,
          deploymentText.source,
        );
        assert.deepEqual(result.errors, [], `${name} ${file}: a Mermaid block failed to render`);
        assert.ok(result.svgs > 0, file);
        assert.ok(result.deployment, `${name} ${file}: the C4Deployment view did not render`);
        await screenshot(page, `${name}-${file.replace(/\W+/g, '-')}`);
      }
      assert.deepEqual(panel.pageErrors, [], 'page errors');
    } finally {
      await panel.close();
    }
  }

  test("the fake model's bundle: nested nodes, infrastructure and flows draw", async () => {
    await renders('fake', await bundleState(work, cli, samplePrd('english')), /Load balancer/);
  });

  test("a real model's answers, replayed", { skip: corpus.skip }, async () => {
    const state = await bundleState(work, cli, path.join(recorded, 'PRD.md'), path.join(recorded, 'answers'));
    await renders('corpus', state, /Production platform/);
  });
});
