/**
 * The preview panel's real HTML and webview bundle in headless Chromium (Debian `chromium` through
 * playwright-core): the three C4 levels render as SVG for a bundle written by the CLI against the fake
 * Anthropic server and for a model of 100+ elements; hostile model output stays inert (no script
 * runs, no dialog opens, no request leaves the page); the panel works from the keyboard and updates
 * live. Screenshots go to .test-output/screenshots/.
 */
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { HostToWebview, PreviewState } from '../../src/shared/protocol';
import { type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server';
import { FAST_RETRY_ENV } from '../helpers/cli';
import { samplePrd } from '../helpers/paths';
import {
  CHROMIUM_PATH,
  type PageServer,
  type PanelPage,
  buildCli,
  buildWebviewBundle,
  inPage,
  launchChromium,
  lowContrastText,
  openPanel,
  runCliAt,
  screenshot,
  startPageServer,
  tempDir,
  waitInPage,
} from './harness';
import { HOSTILE_LABELS, elementCount, largeModel, makeHostile, stateFor, stateOf, writeModelOnly } from './fixtures';

const skip = existsSync(CHROMIUM_PATH)
  ? false
  : `Debian chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium); CI installs it.`;

type StateMessage = HostToWebview & { type: 'state' };

/** Per test: a stuck page fails its own test instead of the whole suite. */
const TEST_TIMEOUT = 120_000;

/** Clicks the level switcher and waits for that level's SVG. */
async function showLevel(page: Page, state: PreviewState, level: 1 | 2 | 3): Promise<string> {
  const diagram = state.diagrams.find((d) => d.level === level);
  assert.ok(diagram, `the state has a level-${level} diagram`);
  await page.click(`vscode-button[data-level="${level}"]`);
  await page.waitForSelector(`#canvas svg[data-diagram="${diagram.key}"]`, { timeout: 30_000 });
  return diagram.key;
}

async function selectTab(page: Page, id: 'diagrams' | 'documents' | 'adrs' | 'criteria'): Promise<void> {
  await page.click(`#tab-${id}`);
  await page.waitForSelector(`#view-${id}:not([hidden])`);
}

/** Only the page's own files were requested (data: URIs are not requests that leave the page). */
function assertNoForeignRequests(panel: PanelPage, server: PageServer): void {
  const foreign = panel.requests.filter((u) => !server.ownUrls.has(u) && !u.startsWith('data:'));
  assert.deepEqual(foreign, [], `requests that left the page: ${foreign.join(', ')}`);
}

async function assertClean(panel: PanelPage, server: PageServer): Promise<void> {
  assert.deepEqual(panel.pageErrors, [], 'page errors');
  assert.deepEqual(panel.dialogs, [], 'dialogs');
  assert.deepEqual(await panel.cspViolations(), [], 'CSP violations');
  assertNoForeignRequests(panel, server);
  const calls = await inPage<number>(panel.page, '() => window.__acquireCalls');
  assert.equal(calls, 1, 'acquireVsCodeApi is called exactly once');
}

describe('preview panel in headless Chromium', { skip, timeout: 600_000 }, () => {
  let work: string;
  let server: PageServer;
  let fake: FakeAnthropic;
  let browser: Browser;
  let cliOut: string;
  let cliState: StateMessage;

  before(async () => {
    work = await tempDir('archflow-browser-');
    const bundle = await buildWebviewBundle(path.join(work, 'webview'));
    server = await startPageServer(bundle);
    const cli = await buildCli(path.join(work, 'cli'));
    fake = await startFakeAnthropic({ port: 0 });
    const ws = path.join(work, 'ws');
    await fs.mkdir(ws, { recursive: true });
    const prd = path.join(ws, 'PRD.md');
    await fs.copyFile(samplePrd('english'), prd);
    cliOut = path.join(ws, 'docs', 'architecture');
    const run = await runCliAt(cli, ['design', prd, '--out', cliOut, '--quiet'], {
      ANTHROPIC_API_KEY: 'test-key',
      ANTHROPIC_BASE_URL: fake.url,
      ...FAST_RETRY_ENV,
    });
    assert.equal(run.code, 0, `the CLI failed:\n${run.stdout}\n${run.stderr}`);
    cliState = await stateFor(cliOut);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await fake?.close();
    await server?.close();
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  test(
    'renders the three C4 levels of a bundle written by the CLI, in light, dark and high-contrast themes',
    { timeout: TEST_TIMEOUT },
    async () => {
      const state = stateOf(cliState);
      assert.ok(
        state.diagrams.some((d) => d.level === 3),
        'the CLI bundle has a level-3 view',
      );
      for (const theme of ['light', 'dark', 'high-contrast'] as const) {
        const panel = await openPanel(browser, server, theme);
        try {
          const { page } = panel;
          await panel.send(cliState);
          for (const level of [1, 2, 3] as const) {
            const key = await showLevel(page, state, level);
            const diagram = state.diagrams.find((d) => d.key === key)!;
            const marked = await page.$$eval('#canvas [data-element-id]', (els) =>
              els.map((e) => e.getAttribute('data-element-id')),
            );
            assert.deepEqual(
              [...new Set(marked)].sort(),
              [...diagram.view.elements, ...diagram.view.boundaries].map((e) => e.id).sort(),
              `every element of level ${level} is drawn with its id (${diagram.view.elements.map((e) => e.name).join(', ')})`,
            );
            await screenshot(page, `cli-${theme}-level${level}`);
          }
          // Clicking an element shows its details.
          await showLevel(page, state, 2);
          const container = state.diagrams
            .find((d) => d.level === 2)!
            .view.elements.find((e) => state.elements[e.id]?.kind === 'container')!;
          await page.click(`#canvas [data-element-id="${container.id}"]`);
          await page.waitForSelector('#details h2');
          assert.equal(await page.textContent('#details h2'), state.elements[container.id].name);
          assert.ok((await page.textContent('#details'))!.includes(state.elements[container.id].technology ?? ''));
          await screenshot(page, `cli-${theme}-details`);

          await selectTab(page, 'documents');
          await page.waitForSelector('#document h1');
          await screenshot(page, `cli-${theme}-documents`);

          await selectTab(page, 'adrs');
          assert.equal(await page.locator('#view-adrs tbody tr').count(), state.adrs.length);
          await screenshot(page, `cli-${theme}-adrs`);

          await selectTab(page, 'criteria');
          assert.equal(await page.locator('.criterion').count(), 5);
          const exit = state.exit;
          assert.equal(exit.kind, 'report');
          if (exit.kind === 'report') {
            for (const c of exit.criteria.filter((x) => !x.met)) {
              const text = await page.textContent(`.criterion[data-criterion="${c.id}"]`);
              assert.ok(text?.includes('Not met'), `${c.id} says not met`);
              for (const r of c.reasons) assert.ok(text?.includes(r), `${c.id} shows the reason "${r}"`);
            }
          }
          await screenshot(page, `cli-${theme}-criteria`);
          assert.deepEqual(await lowContrastText(page, '#app'), [], `${theme}: panel text below 4.5:1`);
          if (theme === 'light') {
            // A third editor column: nothing may be cut off on the right.
            await page.setViewportSize({ width: 380, height: 800 });
            const overflow = await inPage<number>(
              page,
              `() => document.documentElement.scrollWidth - document.documentElement.clientWidth`,
            );
            assert.ok(overflow <= 1, `the page overflows a narrow column by ${overflow} px`);
            await screenshot(page, 'narrow-criteria');
            await selectTab(page, 'diagrams');
            await screenshot(page, 'narrow-diagrams');
            await page.setViewportSize({ width: 1400, height: 900 });
          }
          await assertClean(panel, server);
        } finally {
          await panel.close();
        }
      }
    },
  );

  test(
    'one deployment view per environment, chosen in the environment picker; infrastructure named for people',
    { timeout: TEST_TIMEOUT },
    async () => {
      const state = cliState.state;
      const deployments = state.diagrams.filter((d) => d.level === 4);
      assert.deepEqual(
        deployments.map((d) => [d.key, d.file, d.environmentName]),
        [
          ['deployment:production', 'diagrams/c4-deployment-production.mmd', 'Production'],
          ['deployment:staging', 'diagrams/c4-deployment-staging.mmd', 'Staging'],
        ],
      );
      const panel = await openPanel(browser, server, 'light');
      const page = panel.page;
      try {
        await panel.send(cliState);
        await page.waitForSelector('#canvas svg');
        await page.click('vscode-button[data-level="3"]');
        assert.equal(await page.isVisible('#environment-select'), false, 'no environment picker at level 3');
        await page.click('vscode-button[data-level="4"]');
        await page.waitForSelector('#canvas svg[data-diagram="deployment:production"]');
        assert.equal(await page.isVisible('#component-select'), false, 'no container picker at level 4');
        assert.deepEqual(await page.locator('#environment-select vscode-option').allTextContents(), [
          'Production',
          'Staging',
        ]);
        await page.click('#environment-select');
        await page.locator('#environment-select vscode-option', { hasText: 'Staging' }).click();
        await page.waitForSelector('#canvas svg[data-diagram="deployment:staging"]', { timeout: 30_000 });
        const texts = await page.$$eval('#canvas svg text', (ts) => ts.map((t) => t.textContent ?? ''));
        assert.ok(!texts.some((t) => /production/i.test(t)), 'the staging view draws staging only');
        assert.ok(
          texts.some((t) => t.startsWith('[Load balancer: ')),
          texts.join(' | '),
        );
        assert.ok(
          texts.some((t) => t.startsWith('[WAF: ')),
          texts.join(' | '),
        );
        assert.ok(!texts.some((t) => /loadBalancer|\[Infrastructure/.test(t)), texts.join(' | '));
        // A proposed technology is still dashed, and the legend says so.
        assert.ok((await page.locator('#canvas svg g.af-proposed').count()) > 0, 'a proposal is marked');
        // Back at level 4 from elsewhere, the environment chosen last is shown again.
        await page.click('vscode-button[data-level="1"]');
        await page.click('vscode-button[data-level="4"]');
        await page.waitForSelector('#canvas svg[data-diagram="deployment:staging"]', { timeout: 30_000 });
        await screenshot(page, 'deployment-staging');
        await assertClean(panel, server);
      } finally {
        await panel.close();
      }
    },
  );

  test('renders a model of 100+ elements at every level', { timeout: TEST_TIMEOUT }, async (t) => {
    const model = largeModel();
    assert.ok(elementCount(model) >= 100, `the model has ${elementCount(model)} elements`);
    const dir = path.join(work, 'large');
    await writeModelOnly(dir, model);
    const message = await stateFor(dir);
    const state = stateOf(message);
    assert.deepEqual(state.diagramProblems, []);
    const panel = await openPanel(browser, server, 'dark');
    try {
      const { page } = panel;
      await panel.send(message);
      for (const level of [1, 2, 3] as const) {
        const started = Date.now();
        const key = await showLevel(page, state, level);
        const ms = Date.now() - started;
        const diagram = state.diagrams.find((d) => d.key === key)!;
        const marked = await page.$$eval(
          '#canvas [data-element-id]',
          (els) => new Set(els.map((e) => e.getAttribute('data-element-id'))).size,
        );
        assert.equal(
          marked,
          diagram.view.elements.length + diagram.view.boundaries.length,
          `level ${level}: every element is selectable`,
        );
        await screenshot(page, `large-level${level}`);
        t.diagnostic(`level ${level}: ${diagram.view.elements.length} elements rendered in ${ms} ms`);
      }
      // Every level-3 view renders, not only the first.
      const level3 = state.diagrams.filter((d) => d.level === 3);
      assert.equal(level3.length, 8);
      const picker = page.locator('#component-select');
      await picker.click();
      await page.locator('#component-select vscode-option').nth(7).click();
      await page.waitForSelector(`#canvas svg[data-diagram="${level3[7].key}"]`, { timeout: 30_000 });
      // Fit: the whole width of the diagram is visible.
      await page.click('#zoom-fit');
      const fits = await inPage<boolean>(
        page,
        `() => {
          const svg = document.querySelector('#canvas svg').getBoundingClientRect();
          const vp = document.querySelector('#viewport').getBoundingClientRect();
          return svg.left >= vp.left - 1 && svg.right <= vp.right + 1;
        }`,
      );
      assert.ok(fits, 'fit-to-width shows the whole width');
      await assertClean(panel, server);
    } finally {
      await panel.close();
    }
  });

  test(
    'hostile model output stays inert: no script, no dialog, no request leaves the page',
    { timeout: TEST_TIMEOUT },
    async () => {
      const dir = path.join(work, 'hostile');
      await fs.cp(cliOut, dir, { recursive: true });
      await makeHostile(dir);
      const message = await stateFor(dir);
      const state = stateOf(message);
      const panel = await openPanel(browser, server, 'dark');
      try {
        const { page } = panel;
        await panel.send(message);
        for (const level of [1, 2, 3] as const) await showLevel(page, state, level);
        await showLevel(page, state, 1);
        // The hostile name is drawn as text, with its quotes and directive defused by the host.
        const svgText = (await page.textContent('#canvas svg')) ?? '';
        assert.ok(svgText.includes('Evil'), 'the hostile label is drawn as plain text');
        assert.ok(!svgText.includes('%%{'), 'no directive reaches the SVG');

        await selectTab(page, 'documents');
        for (const file of ['03-service-architecture.md', 'ARCHITECTURE.md']) {
          await page.click('#document-select');
          await page.locator(`#document-select vscode-option[value="${file}"]`).click();
          await waitInPage(
            page,
            `(f) => document.querySelector('#document')?.textContent?.includes('Hostile content (test)') && window.__savedState?.document === f`,
            file,
          );
          // The flowchart in the document renders (or fails) without running anything.
          await waitInPage(
            page,
            `() => {
            const blocks = [...document.querySelectorAll('#document .md-mermaid')];
            return blocks.length > 0 && blocks.every((b) => b.querySelector('svg') || b.querySelector('.render-error'));
          }`,
          );
          const audit = await inPage<{
            scripts: string[];
            handlers: string[];
            jsLinks: string[];
            images: string[];
            frames: number;
            literalScript: boolean;
            blockedImages: number;
            docLinks: string[];
            pwned: unknown;
          }>(
            page,
            `() => {
            const doc = document.querySelector('#document');
            return {
              scripts: [...document.querySelectorAll('script')].map((s) => s.src),
              handlers: [...document.querySelectorAll('#app *')].flatMap((el) =>
                [...el.attributes].filter((a) => a.name.toLowerCase().startsWith('on')).map((a) => el.tagName + '[' + a.name + ']'),
              ),
              jsLinks: [...document.querySelectorAll('#app [href], #app [src], #app [*|href]')]
                .map((el) => el.getAttribute('href') ?? el.getAttribute('src') ?? el.getAttributeNS('http://www.w3.org/1999/xlink', 'href') ?? '')
                .filter((v) => /^\\s*(javascript|vbscript|data:text|command|file|https?):/i.test(v)),
              images: [...doc.querySelectorAll('img')].map((i) => i.getAttribute('src')),
              frames: document.querySelectorAll('iframe, object, embed').length,
              literalScript: doc.textContent.includes('<script>window.__pwned = 1</script>'),
              blockedImages: doc.querySelectorAll('.image-blocked').length,
              docLinks: [...doc.querySelectorAll('a.doc-link')].map((a) => a.getAttribute('data-file')),
              pwned: window.__pwned,
            };
          }`,
          );
          assert.ok(audit.scripts.length >= 1, 'the page script is there');
          assert.deepEqual(
            audit.scripts.filter((src) => !server.ownUrls.has(src)),
            [],
            'only our own script elements exist',
          );
          assert.deepEqual(audit.handlers, [], 'no inline event handler attributes');
          assert.deepEqual(audit.jsLinks, [], 'no script, command, file or remote URL in any href/src');
          assert.deepEqual(audit.images, [], 'no image element from model output');
          assert.equal(audit.frames, 0);
          assert.ok(audit.literalScript, 'raw HTML is shown as text');
          assert.ok(
            audit.blockedImages >= 2,
            'remote images are replaced by their alt text (an SVG data: image is not even parsed as one)',
          );
          assert.ok(audit.docLinks.includes('02-high-level-architecture.md'), 'relative links stay links');
          assert.equal(audit.pwned, undefined, 'no script ran');
        }
        // Clicking the javascript: link text and the blocked image does nothing.
        await page.getByText('click me').click();
        await page.getByText('[image: tracker]').click();
        await screenshot(page, 'hostile-document');
        await selectTab(page, 'diagrams');
        await screenshot(page, 'hostile-diagram');
        assert.equal(await inPage(page, '() => window.__pwned'), undefined);
        const posted = (await panel.posted()) as { type: string; file?: string }[];
        assert.ok(
          posted.every((m) => m.type !== 'openFile' || !/^(javascript|data|vbscript|file|command)/.test(m.file ?? '')),
        );
        await assertClean(panel, server);
      } finally {
        await panel.close();
      }
      assert.ok(HOSTILE_LABELS.name.includes('click'));
    },
  );

  test(
    'a diagram that cannot be drawn shows the error and the offending line, never a blank panel',
    { timeout: TEST_TIMEOUT },
    async () => {
      const broken = structuredClone(cliState);
      // A view whose data repeats an element id cannot be laid out.
      const container = broken.state.diagrams.find((d) => d.level === 2)!;
      container.view.elements.push({ ...container.view.elements[0] });
      // A Mermaid block of a document with a syntax error, and one that still carries a directive.
      const doc = broken.state.documents.find((d) => d.file === '03-service-architecture.md')!;
      doc.markdown +=
        '\n\n```mermaid\nflowchart LR\n  A --> B\n  }}\n```\n\n```mermaid\n%%{init: {"securityLevel":"loose"}}%%\nflowchart LR\n  C --> D\n```\n';
      const panel = await openPanel(browser, server, 'light');
      try {
        const { page } = panel;
        await panel.send(broken);
        await page.click('vscode-button[data-level="2"]');
        await page.waitForSelector('#canvas .render-error');
        const text = (await page.textContent('#canvas .render-error')) ?? '';
        assert.ok(text.includes('could not be drawn'), text);
        await screenshot(page, 'render-error');
        // The other levels still render.
        await page.click('vscode-button[data-level="3"]');
        await page.waitForSelector('#canvas svg');
        await page.click('vscode-button[data-level="1"]');
        await page.waitForSelector('#canvas svg[data-diagram="context"]');
        const posted = (await panel.posted()) as { type: string; message?: string }[];
        assert.ok(
          posted.some((m) => m.type === 'reportProblem' && m.message?.includes('c4-container.mmd')),
          'the host log hears about it',
        );
        // In a document, Mermaid's error names the offending line; a directive is refused, not run.
        await selectTab(page, 'documents');
        await page.click('#document-select');
        await page.locator('#document-select vscode-option[value="03-service-architecture.md"]').click();
        await waitInPage(page, `() => document.querySelectorAll('#document .render-error').length >= 2`);
        const errors = await page.$$eval('#document .render-error', (els) => els.map((e) => e.textContent ?? ''));
        assert.ok(
          errors.some((e) => /line \d+/i.test(e) && e.includes('Line 3')),
          `names the line: ${errors.join(' | ')}`,
        );
        assert.equal((await page.textContent('#document .error-line'))?.trim(), '}}');
        assert.ok(
          errors.some((e) => e.includes('directive')),
          `refuses the directive: ${errors.join(' | ')}`,
        );
        assert.deepEqual(panel.pageErrors, []);
        assert.deepEqual(await panel.cspViolations(), []);
      } finally {
        await panel.close();
      }
    },
  );

  test(
    'the element picker always names the highlighted element, across level switches',
    { timeout: TEST_TIMEOUT },
    async () => {
      const state = stateOf(cliState);
      const panel = await openPanel(browser, server, 'light');
      try {
        const { page } = panel;
        await panel.send(cliState);
        await showLevel(page, state, 2);
        const container = state.diagrams.find((d) => d.level === 2)!.view.elements.find((e) => e.kind === 'container')!;
        await page.click(`#canvas [data-element-id="${container.id}"]`);
        await page.waitForSelector('#details h2');
        const shown = async (): Promise<{ picker: string; ring: string | null; details: string | null }> =>
          inPage(
            page,
            `() => ({
            picker: document.querySelector('#element-select').value,
            ring: document.querySelector('#canvas .selection-ring')?.parentElement?.getAttribute('data-element-id') ?? null,
            details: document.querySelector('.diagram-layout.has-selection #details h2')?.textContent ?? null,
          })`,
          );
        assert.deepEqual(await shown(), { picker: container.id, ring: container.id, details: container.name });
        for (const level of [1, 3, 2] as const) {
          await showLevel(page, state, level);
          await new Promise((r) => setTimeout(r, 100));
          const now = await shown();
          const drawn = await page.$$eval('#canvas [data-element-id]', (els) =>
            els.map((e) => e.getAttribute('data-element-id')),
          );
          if (drawn.includes(container.id)) {
            assert.deepEqual(
              now,
              { picker: container.id, ring: container.id, details: container.name },
              `level ${level}`,
            );
          } else {
            assert.deepEqual(
              now,
              { picker: '', ring: null, details: null },
              `level ${level}: nothing is named or ringed`,
            );
          }
        }
        // Choosing another element from the list rings and names that one.
        const other = state.diagrams.find((d) => d.level === 2)!.view.elements.find((e) => e.id !== container.id)!;
        await page.click('#element-select');
        await page.locator(`#element-select vscode-option[value="${other.id}"]`).click();
        await waitInPage(
          page,
          `(id) => document.querySelector('#canvas .selection-ring')?.parentElement?.getAttribute('data-element-id') === id`,
          other.id,
        );
        assert.deepEqual(await shown(), { picker: other.id, ring: other.id, details: other.name });
      } finally {
        await panel.close();
      }
    },
  );

  test(
    'an ADR shows its facts as a small table, not its front matter as a heading',
    { timeout: TEST_TIMEOUT },
    async () => {
      const state = stateOf(cliState);
      const adr = state.documents.find((d) => d.group === 'adr' && /^adr\/\d{4}-/.test(d.file))!;
      assert.ok(
        adr.meta?.some((m) => m.name === 'Status'),
        'the state carries the facts',
      );
      assert.ok(!adr.markdown.startsWith('---'), 'the front matter is not in the text shown');
      const panel = await openPanel(browser, server, 'high-contrast');
      try {
        const { page } = panel;
        await panel.send(cliState);
        await selectTab(page, 'documents');
        await page.click('#document-select');
        await page.locator(`#document-select vscode-option[value="${adr.file}"]`).click();
        await page.waitForSelector('#document table.doc-meta');
        const facts = await page.$$eval('#document table.doc-meta th', (ths) => ths.map((t) => t.textContent));
        assert.ok(facts.includes('Status') && facts.includes('Date'), facts.join(', '));
        const headings = await page.$$eval('#document h1, #document h2', (hs) => hs.map((x) => x.textContent ?? ''));
        assert.ok(
          !headings.some((x) => /archflow-key|number:/.test(x)),
          `no front matter heading: ${headings.join(' | ')}`,
        );
        await screenshot(page, 'adr-facts-high-contrast');
      } finally {
        await panel.close();
      }
    },
  );

  test('keyboard: zoom and pan keys, tabs, buttons; links post openFile', { timeout: TEST_TIMEOUT }, async () => {
    const state = stateOf(cliState);
    const panel = await openPanel(browser, server, 'dark');
    try {
      const { page } = panel;
      await panel.send(cliState);
      await showLevel(page, state, 2);
      await page.focus('#viewport');
      const zoom = (): Promise<string | null> => page.textContent('.zoom-level');
      const transform = (): Promise<string> =>
        inPage<string>(page, `() => document.querySelector('#canvas').style.transform`);
      const fitted = await zoom();
      await page.keyboard.press('+');
      assert.notEqual(await zoom(), fitted, '+ zooms in');
      await page.keyboard.press('1');
      assert.equal(await zoom(), '100%', '1 shows the actual size');
      const before = await transform();
      await page.keyboard.press('ArrowLeft');
      assert.notEqual(await transform(), before, 'arrows pan');
      await page.keyboard.press('0');
      assert.equal(await zoom(), fitted, '0 fits the width again');
      await page.keyboard.press('-');
      assert.notEqual(await zoom(), fitted, '- zooms out');

      // Tab order reaches the approval button, and Enter activates it.
      await selectTab(page, 'criteria');
      let reached = false;
      for (let i = 0; i < 40 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await inPage<boolean>(page, `() => document.activeElement?.id === 'approve'`);
      }
      assert.ok(reached, 'Tab reaches "Record Stakeholder Approval"');
      await page.keyboard.press('Enter');
      await screenshot(page, 'keyboard-focus-approve');

      // A relative link in a document asks the host to open the file.
      await selectTab(page, 'documents');
      await page.click('#document-select');
      await page.locator('#document-select vscode-option[value="ARCHITECTURE.md"]').click();
      // The C4 diagrams embedded in ARCHITECTURE.md render too.
      const embedded = page.locator('#document .md-mermaid svg').first();
      await embedded.waitFor({ timeout: 30_000 });
      await embedded.scrollIntoViewIfNeeded();
      await screenshot(page, 'document-embedded-diagram');
      const link = page.locator('#document a.doc-link').first();
      const target = await link.getAttribute('data-file');
      await link.focus();
      await page.keyboard.press('Enter');
      await page.click('#open-document');
      const posted = (await panel.posted()) as { type: string; file?: string }[];
      assert.ok(
        posted.some((m) => m.type === 'requestApproval'),
        'requestApproval posted',
      );
      assert.ok(
        posted.some((m) => m.type === 'openFile' && m.file === target),
        `openFile ${target} posted`,
      );
      assert.ok(
        posted.some((m) => m.type === 'openFile' && m.file === 'ARCHITECTURE.md'),
        'Open in editor posts openFile',
      );
      await assertClean(panel, server);
    } finally {
      await panel.close();
    }
  });

  test(
    'updates live from runProgress and new states without reloading, and restores its UI state',
    { timeout: TEST_TIMEOUT },
    async () => {
      const state = stateOf(cliState);
      const panel = await openPanel(browser, server, 'dark', {
        tab: 'documents',
        document: '03-service-architecture.md',
      });
      try {
        const { page } = panel;
        await inPage(page, '() => { window.__sameDocument = true; }');
        await panel.send(cliState);
        // Restored: the Documents tab with the document shown before the reload.
        await page.waitForSelector('#view-documents:not([hidden]) #document h1');
        assert.ok((await page.textContent('#document h1'))?.includes('Service'));

        await panel.send({
          type: 'runProgress',
          running: true,
          steps: state.steps.map((s) => ({ id: s.id, status: s.id === 4 ? 'running' : s.status })),
        });
        await page.waitForSelector('.step.status-running');
        assert.ok((await page.textContent('.run-status'))?.includes('Running'));
        await screenshot(page, 'live-running');

        const next = structuredClone(cliState);
        next.state.adrs = next.state.adrs.slice(0, 1);
        next.state.approval = {
          ...next.state.approval,
          status: 'void',
          message: 'ARCHITECTURE.md changed after the approval.',
        };
        await panel.send(next);
        await waitInPage(page, `() => document.querySelector('#tab-adrs .tab-badge')?.textContent === '1'`);
        await selectTab(page, 'criteria');
        assert.ok((await page.textContent('.approval-status'))?.includes('changed after the approval'));
        assert.equal(await inPage(page, '() => window.__sameDocument'), true, 'no reload');

        await panel.send({ type: 'reveal', file: 'diagrams/c4-container.mmd' });
        await page.waitForSelector('#canvas svg[data-diagram="container"]');
        assert.ok(await page.isVisible('#view-diagrams'));
      } finally {
        await panel.close();
      }
    },
  );
});
