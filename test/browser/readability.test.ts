/**
 * Readability by measurement (SPEC §4, issue 11 item 1): every C4 view is shown in the panel at its
 * fit zoom in an editor 1280 px wide, and its SVG geometry is measured in Chromium: text and box
 * bounds, and points sampled along every relationship. Views of the fake server's bundle, of the real
 * model's answers (../shared/corpus, when present) and of a generated model of 100+ elements, in the
 * light, dark and high-contrast themes. Figures per view are printed as diagnostics; screenshots of
 * every view in every theme go to .test-output/screenshots/views/.
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
import { CORPUS, corpusModel, hugeViewModel, largeModel, stateFor, stateOf, writeModelOnly } from './fixtures';
import { WHOLE_VIEW_ELEMENTS } from '../../src/shared/diagram/layout';
import {
  CHROMIUM_PATH,
  type PageServer,
  SCREENSHOT_DIR,
  applyTheme,
  buildCli,
  buildWebviewBundle,
  inPage,
  launchChromium,
  openPanel,
  runCliAt,
  startPageServer,
  tempDir,
  waitInPage,
} from './harness';
import type { ThemeName } from './themes';

const skip = existsSync(CHROMIUM_PATH) ? false : `Debian chromium is not installed at ${CHROMIUM_PATH}.`;

/** What the page measures of the view on screen. */
interface Measure {
  elements: number;
  scale: number;
  minTextPx: number;
  labelOverlaps: string[];
  labelOnBox: string[];
  edgeThroughBox: string[];
  textOutsideBox: string[];
  lowContrast: string[];
  /** Labels that lines reach side by side (a bundle's lines not merged before its label): label and points. */
  sideBySide: string[];
  whollyVisible: boolean;
  renderMs: number;
  viewport: string;
  /** Views too big to be seen whole: the smallest text at 100 %, and whether the view then overflows the viewport (pan). */
  actual?: { minTextPx: number; pans: boolean };
}

/**
 * Runs in the page. Boxes are element groups' shapes; labels are the relationship labels' backgrounds;
 * each relationship's path is sampled every 3 px (screen coordinates) and must stay out of every box
 * but its two ends. Contrast is the WCAG ratio of each text's fill against what is painted under it.
 */
const MEASURE = `() => {
  const svg = document.querySelector('#canvas svg');
  const viewport = document.querySelector('#viewport').getBoundingClientRect();
  const rect = (el) => el.getBoundingClientRect();
  const inter = (a, b, slack = 1) => a.left < b.right - slack && b.left < a.right - slack && a.top < b.bottom - slack && b.top < a.bottom - slack;
  const shapeBox = (g) => {
    const rs = [...g.querySelectorAll('.af-shape')].map(rect);
    return { left: Math.min(...rs.map((r) => r.left)), top: Math.min(...rs.map((r) => r.top)), right: Math.max(...rs.map((r) => r.right)), bottom: Math.max(...rs.map((r) => r.bottom)) };
  };
  const boxes = [...svg.querySelectorAll('g.af-element')].map((g) => ({ id: g.dataset.elementId, box: shapeBox(g), g }));
  const labels = [...svg.querySelectorAll('g.af-edge-label')].map((g) => ({ id: g.dataset.from + '→' + g.dataset.to, box: rect(g.querySelector('.af-label-bg')) }));
  const out = { labelOverlaps: [], labelOnBox: [], edgeThroughBox: [], textOutsideBox: [], lowContrast: [], sideBySide: [] };
  const arrivals = labels.map(() => new Set());
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++)
      if (inter(labels[i].box, labels[j].box)) out.labelOverlaps.push(labels[i].id + ' / ' + labels[j].id);
  for (const l of labels) for (const b of boxes) if (inter(l.box, b.box)) out.labelOnBox.push(l.id + ' on ' + b.id);
  // Boundary names are labels too: never on a box or a relationship label.
  for (const g of svg.querySelectorAll('g.af-boundary'))
    for (const t of g.querySelectorAll('text')) {
      const r = rect(t);
      for (const b of boxes) if (inter(r, b.box)) out.labelOnBox.push('boundary ' + g.dataset.boundaryId + ' label on ' + b.id);
      for (const l of labels) if (inter(r, l.box)) out.labelOverlaps.push('boundary ' + g.dataset.boundaryId + ' / ' + l.id);
    }
  for (const b of boxes)
    for (const t of b.g.querySelectorAll('text')) {
      const r = rect(t);
      if (r.left < b.box.left - 1 || r.right > b.box.right + 1 || r.top < b.box.top - 1 || r.bottom > b.box.bottom + 1) out.textOutsideBox.push(b.id + ': ' + t.textContent);
    }
  for (const e of svg.querySelectorAll('g.af-edge')) {
    const p = e.querySelector('path');
    const ctm = p.getScreenCTM();
    const length = p.getTotalLength();
    const hit = new Set();
    const reached = new Set();
    for (let s = 0; s <= length; s += 1) {
      const q = p.getPointAtLength(s);
      const x = ctm.a * q.x + ctm.c * q.y + ctm.e;
      const y = ctm.b * q.x + ctm.d * q.y + ctm.f;
      // Where the line first reaches each relationship label (to 4 px): one place per label for a bundle.
      labels.forEach((l, i) => {
        if (reached.has(i) || x < l.box.left - 1 || x > l.box.right + 1 || y < l.box.top - 1 || y > l.box.bottom + 1) return;
        reached.add(i);
        arrivals[i].add(Math.round(x / 4) + ',' + Math.round(y / 4));
      });
      if (s % 3 !== 0) continue;
      for (const b of boxes) {
        if (b.id === e.dataset.from || b.id === e.dataset.to) continue;
        if (x > b.box.left + 2 && x < b.box.right - 2 && y > b.box.top + 2 && y < b.box.bottom - 2) hit.add(b.id);
      }
    }
    for (const id of hit) out.edgeThroughBox.push(e.dataset.from + '→' + e.dataset.to + ' through ' + id);
  }
  // Neighbouring 4 px cells are one place (a point on a cell's edge rounds either way).
  arrivals.forEach((cells, i) => {
    const points = [...cells].map((c) => c.split(',').map(Number));
    const places = points.filter((a, j) => !points.slice(0, j).some((b) => Math.abs(a[0] - b[0]) <= 1 && Math.abs(a[1] - b[1]) <= 1));
    if (places.length > 2) out.sideBySide.push(labels[i].id + ': ' + places.length + ' lines side by side');
  });
  const rgb = (c) => (c.match(/[\\d.]+/g) || ['0', '0', '0']).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m); return (x + 0.05) / (y + 0.05); };
  const background = (t) => {
    const g = t.closest('g.af-element');
    if (g) return getComputedStyle(g.querySelector('.af-shape')).fill;
    const l = t.closest('g.af-edge-label');
    if (l) return getComputedStyle(l.querySelector('.af-label-bg')).fill;
    return getComputedStyle(svg.querySelector('.af-bg')).fill;
  };
  let minText = Infinity;
  for (const t of svg.querySelectorAll('text')) {
    const px = parseFloat(getComputedStyle(t).fontSize) * (svg.getScreenCTM().a);
    minText = Math.min(minText, px);
    const c = ratio(rgb(getComputedStyle(t).fill), rgb(background(t)));
    if (c < 4.5) out.lowContrast.push(t.textContent + ' ' + c.toFixed(2));
  }
  const s = rect(svg);
  return {
    ...out,
    elements: svg.querySelectorAll('g.af-element').length,
    scale: svg.getScreenCTM().a,
    minTextPx: Math.round(minText * 100) / 100,
    // The viewport itself must be inside the window: a view inside a viewport cut off by the window is not seen whole.
    whollyVisible: s.left >= viewport.left - 1 && s.right <= viewport.right + 1 && s.top >= viewport.top - 1 && s.bottom <= viewport.bottom + 1 && viewport.bottom <= window.innerHeight + 1 && viewport.right <= window.innerWidth + 1,
    renderMs: Number(svg.dataset.renderMs || 0),
    viewport: Math.round(viewport.width) + 'x' + Math.round(viewport.height) + ' at y=' + Math.round(viewport.top) + ', page ' + document.documentElement.scrollHeight,
  };
}`;

/** The bundles measured: name and the state message the extension would send (only some views, when given). */
interface Subject {
  name: string;
  message: HostToWebview & { type: 'state' };
  onlyView?: (key: string) => boolean;
}

async function showView(page: Page, file: string, key: string): Promise<void> {
  await inPage(page, '(m) => { window.postMessage(m, "*"); }', { type: 'reveal', file });
  await page.waitForSelector(`#canvas svg[data-diagram="${key}"]`, { timeout: 30_000 });
  await page.click('#zoom-fit');
}

describe('diagram readability, measured on the SVG geometry', { skip, timeout: 900_000 }, () => {
  let work: string;
  let server: PageServer;
  let fake: FakeAnthropic;
  let browser: Browser;
  const subjects: Subject[] = [];
  const results: { subject: string; theme: ThemeName; key: string; file: string; m: Measure }[] = [];

  before(async () => {
    work = await tempDir('archflow-readability-');
    server = await startPageServer(await buildWebviewBundle(path.join(work, 'webview')));
    const cli = await buildCli(path.join(work, 'cli'));
    fake = await startFakeAnthropic({ port: 0 });
    const ws = path.join(work, 'ws');
    await fs.mkdir(ws, { recursive: true });
    const prd = path.join(ws, 'PRD.md');
    await fs.copyFile(samplePrd('english'), prd);
    const out = path.join(ws, 'docs', 'architecture');
    const run = await runCliAt(cli, ['design', prd, '--out', out, '--quiet'], {
      ANTHROPIC_API_KEY: 'test-key',
      ANTHROPIC_BASE_URL: fake.url,
      ...FAST_RETRY_ENV,
    });
    assert.equal(run.code, 0, run.stderr);
    subjects.push({ name: 'fake', message: await stateFor(out) });
    const real = await corpusModel();
    if (real) {
      const dir = path.join(work, 'corpus');
      await writeModelOnly(dir, real);
      subjects.push({ name: 'corpus', message: await stateFor(dir) });
    }
    const large = path.join(work, 'large');
    await writeModelOnly(large, largeModel());
    subjects.push({ name: 'large', message: await stateFor(large) });
    // A view of 100 elements: more than a view should hold, read at 100 % with pan.
    const huge = path.join(work, 'huge');
    await writeModelOnly(huge, hugeViewModel());
    subjects.push({ name: 'huge', message: await stateFor(huge), onlyView: (key) => key === 'component:orderService' });
    browser = await launchChromium();
    await fs.mkdir(path.join(SCREENSHOT_DIR, 'views'), { recursive: true });
    for (const theme of ['light', 'dark', 'high-contrast'] as const) {
      for (const subject of subjects) {
        const panel = await openPanel(browser, server, theme);
        try {
          await panel.page.setViewportSize({ width: 1280, height: 900 });
          await applyTheme(panel.page, theme);
          await panel.send(subject.message);
          await waitInPage(panel.page, '() => document.querySelector("#canvas svg")');
          for (const d of stateOf(subject.message).diagrams) {
            if (subject.onlyView && !subject.onlyView(d.key)) continue;
            await showView(panel.page, d.file, d.key);
            const m = await inPage<Measure>(panel.page, MEASURE);
            if (m.elements > WHOLE_VIEW_ELEMENTS) {
              await panel.page.click('#zoom-actual');
              const at100 = await inPage<Measure>(panel.page, MEASURE);
              m.actual = { minTextPx: at100.minTextPx, pans: !at100.whollyVisible };
              await panel.page.click('#zoom-fit');
            }
            results.push({ subject: subject.name, theme, key: d.key, file: d.file, m });
            const name = `${subject.name}-${d.key.replace(/[^a-z0-9]+/gi, '-')}-${theme}`;
            await panel.page.screenshot({ path: path.join(SCREENSHOT_DIR, 'views', `${name}.png`) });
          }
          assert.deepEqual(panel.pageErrors, []);
          assert.deepEqual(await panel.cspViolations(), []);
        } finally {
          await panel.close();
        }
      }
    }
  });

  after(async () => {
    await browser?.close();
    await fake?.close();
    await server?.close();
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  test(
    "the real model's views are measured too",
    {
      skip: CORPUS.skip,
    },
    () => {
      assert.ok(results.some((r) => r.subject === 'corpus'));
    },
  );

  test('the figures of every view', (t) => {
    assert.ok(results.length > 0);
    for (const r of results.filter((x) => x.theme === 'light')) {
      const m = r.m;
      t.diagnostic(
        `${r.subject} ${r.key}: ${m.elements} elements, fit ${Math.round(m.scale * 100)}%, min text ${m.minTextPx} px, ` +
          `label overlaps ${m.labelOverlaps.length}, labels on boxes ${m.labelOnBox.length}, edges through boxes ${m.edgeThroughBox.length}, ` +
          `lines side by side at a label ${m.sideBySide.length}, whole view visible ${m.whollyVisible ? 'yes' : 'no'}, layout+draw ${m.renderMs} ms (viewport ${m.viewport})` +
          (m.actual ? `; at 100 %: min text ${m.actual.minTextPx} px, pans ${m.actual.pans ? 'yes' : 'no'}` : ''),
      );
    }
  });

  test('no two relationship labels overlap, and no label sits on a box', () => {
    for (const r of results) {
      assert.deepEqual(r.m.labelOverlaps, [], `${r.subject} ${r.key} (${r.theme}): overlapping labels`);
      assert.deepEqual(r.m.labelOnBox, [], `${r.subject} ${r.key} (${r.theme}): labels on boxes`);
      assert.deepEqual(r.m.textOutsideBox, [], `${r.subject} ${r.key} (${r.theme}): text outside its box`);
    }
  });

  test('no relationship is drawn through a box that is not one of its ends', () => {
    for (const r of results) assert.deepEqual(r.m.edgeThroughBox, [], `${r.subject} ${r.key} (${r.theme})`);
  });

  test("a bundle's lines merge before its label: no label is reached by lines side by side", () => {
    for (const r of results) assert.deepEqual(r.m.sideBySide, [], `${r.subject} ${r.key} (${r.theme})`);
  });

  test('text is at least 11 px at the fit zoom, in every view', () => {
    for (const r of results) assert.ok(r.m.minTextPx >= 11, `${r.subject} ${r.key}: ${r.m.minTextPx} px`);
  });

  test('every text has a contrast of at least 4.5:1 in the light, dark and high-contrast themes', () => {
    for (const r of results) assert.deepEqual(r.m.lowContrast, [], `${r.subject} ${r.key} (${r.theme})`);
  });

  /**
   * Every view of 30 elements or fewer fits a 1280 px editor whole at 11 px text, the densest too:
   * the generated model's container view (21 elements, 49 relationships around three hubs) and the
   * fake server's deployment views (a chain of nested deployment nodes).
   */
  test(`views of up to ${WHOLE_VIEW_ELEMENTS} elements are visible whole at the fit zoom`, () => {
    const notWhole = results
      .filter((r) => r.m.elements <= WHOLE_VIEW_ELEMENTS && !r.m.whollyVisible)
      .map((r) => `${r.subject} ${r.key} (${r.theme}): fit ${Math.round(r.m.scale * 100)}%`);
    assert.deepEqual(notWhole, []);
  });

  test(`views of more than ${WHOLE_VIEW_ELEMENTS} elements are legible at 100 % and panned`, () => {
    const big = results.filter((r) => r.m.elements > WHOLE_VIEW_ELEMENTS);
    assert.ok(big.length > 0, 'a view of 100 elements is measured');
    for (const r of big) {
      assert.ok(r.m.actual, `${r.subject} ${r.key}: measured at 100 %`);
      assert.ok(r.m.actual.minTextPx >= 13, `${r.subject} ${r.key}: ${r.m.actual.minTextPx} px at 100 %`);
      assert.ok(r.m.actual.pans, `${r.subject} ${r.key}: bigger than the editor, so it pans`);
    }
  });

  test('the same model gives the same picture', async () => {
    const subject = subjects[0];
    const state: PreviewState = stateOf(subject.message);
    const panel = await openPanel(browser, server, 'light');
    try {
      const svgs: string[] = [];
      for (let i = 0; i < 2; i++) {
        // A fresh state built again from the same folder content, and a fresh page each time.
        await panel.page.reload();
        await waitInPage(panel.page, '() => (window.__posted || []).some((m) => m.type === "ready")');
        await panel.send(i === 0 ? subject.message : structuredClone(subject.message));
        await showView(panel.page, state.diagrams[1].file, state.diagrams[1].key);
        svgs.push(
          await inPage<string>(
            panel.page,
            `() => document.querySelector('#canvas svg').outerHTML.replace(/af\\d+-arrow/g, 'af-arrow').replace(/ data-render-ms="\\d+"/, '')`,
          ),
        );
      }
      assert.equal(svgs[0], svgs[1]);
    } finally {
      await panel.close();
    }
  });
});
