/**
 * Preview figures for the benchmark (SPEC §10): the panel's first paint and the time until the first
 * diagram is drawn, with the diagram renderer and Mermaid loaded when needed (as shipped) against the
 * same code bundled into one script; the layout + drawing time of every view of a model of 100+
 * elements, and of one view of 100 elements (target: under a second) in Node and in the panel.
 * Measured in headless Chromium; reported, never asserted.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { layoutView } from '../src/shared/diagram/layout';
import { renderSvg } from '../src/shared/diagram/svg';
import {
  buildWebviewBundle,
  inPage,
  launchChromium,
  openPanel,
  startPageServer,
  waitInPage,
} from '../test/browser/harness';
import { elementCount, hugeViewModel, largeModel, stateFor, writeModelOnly } from '../test/browser/fixtures';

export interface PreviewFigures {
  /** Bytes of the panel's first script, and of the parts it loads later. */
  scriptBytes: { lazy: number; renderer: number; mermaid: number; eager: number };
  /** Median of 5 loads, ms: first contentful paint and first diagram drawn, per build. */
  firstPaintMs: { lazy: number; eager: number };
  firstDiagramMs: { lazy: number; eager: number };
  /** Layout + SVG per view of the large model in Node, ms (median of 3), with its element count. */
  largeModel: { elements: number; views: { key: string; elements: number; ms: number }[] };
  /** One view of 100 elements (all the large model's components in one container): layout + SVG, ms. */
  hundredElementView: { elements: number; relationships: number; nodeMs: number; panelMs: number; targetMs: 1000 };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)]);
}

async function eagerBundle(dir: string, repo: string): Promise<void> {
  // The same code as one script: the parts register before the page script asks for them.
  const entry = path.join(repo, 'src', 'webview', 'eager-bench-entry.ts');
  await fs.writeFile(entry, "import './chunks/diagrams';\nimport './chunks/mermaid';\nimport './main';\n");
  try {
    await esbuild.build({
      entryPoints: [entry],
      outfile: path.join(dir, 'webview.js'),
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    });
  } finally {
    await fs.rm(entry, { force: true });
  }
}

/** Measures the preview in Chromium; `repo` is the repository root. */
export async function measurePreview(repo: string): Promise<PreviewFigures> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-bench-preview-'));
  const browser = await launchChromium();
  try {
    const lazyDir = path.join(work, 'lazy');
    const eagerDir = path.join(work, 'eager');
    const lazyScript = await buildWebviewBundle(lazyDir);
    await buildWebviewBundle(eagerDir);
    await eagerBundle(eagerDir, repo);
    const size = async (f: string): Promise<number> => (await fs.stat(f)).size;
    const modelDir = path.join(work, 'model');
    const model = largeModel();
    await writeModelOnly(modelDir, model);
    const message = await stateFor(modelDir);
    const lazyServer = await startPageServer(lazyScript);
    const eagerServer = await startPageServer(path.join(eagerDir, 'webview.js'));
    const once = async (
      server: Awaited<ReturnType<typeof startPageServer>>,
    ): Promise<{ paint: number; diagram: number }> => {
      const panel = await openPanel(browser, server, 'light');
      try {
        await panel.send(message);
        await waitInPage(panel.page, '() => document.querySelector("#canvas svg")', undefined, 60_000);
        return await inPage<{ paint: number; diagram: number }>(
          panel.page,
          `() => ({ paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1, diagram: performance.now() })`,
        );
      } finally {
        await panel.close();
      }
    };
    const lazy: { paint: number; diagram: number }[] = [];
    const eager: { paint: number; diagram: number }[] = [];
    try {
      // One warm-up of each, then alternate, so neither build gets the colder machine.
      await once(lazyServer);
      await once(eagerServer);
      for (let i = 0; i < 5; i++) {
        lazy.push(await once(lazyServer));
        eager.push(await once(eagerServer));
      }
    } finally {
      await lazyServer.close();
      await eagerServer.close();
    }
    const timeInNode = (view: (typeof message.state.diagrams)[number]['view']): number => {
      const ms: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        renderSvg(layoutView(view));
        ms.push(performance.now() - t0);
      }
      return median(ms);
    };
    const views = [];
    for (const v of message.state.diagrams) {
      views.push({ key: v.key, elements: v.view.elements.length, ms: timeInNode(v.view) });
    }
    // The 100-element view, in Node and as the panel draws it (the page's own layout + draw time).
    const hugeDir = path.join(work, 'huge');
    await writeModelOnly(hugeDir, hugeViewModel());
    const hugeMessage = await stateFor(hugeDir);
    const hundred = hugeMessage.state.diagrams.find((d) => d.key === 'component:orderService')!;
    const panelMs: number[] = [];
    const hugeServer = await startPageServer(lazyScript);
    try {
      for (let i = 0; i < 3; i++) {
        const panel = await openPanel(browser, hugeServer, 'light');
        try {
          await panel.send(hugeMessage);
          await waitInPage(panel.page, '() => document.querySelector("#canvas svg")', undefined, 60_000);
          await inPage(panel.page, '(m) => { window.postMessage(m, "*"); }', { type: 'reveal', file: hundred.file });
          await panel.page.waitForSelector(`#canvas svg[data-diagram="${hundred.key}"]`, { timeout: 60_000 });
          panelMs.push(
            await inPage<number>(panel.page, '() => Number(document.querySelector("#canvas svg").dataset.renderMs)'),
          );
        } finally {
          await panel.close();
        }
      }
    } finally {
      await hugeServer.close();
    }
    return {
      scriptBytes: {
        lazy: await size(lazyScript),
        renderer: await size(path.join(lazyDir, 'webview-diagrams.js')),
        mermaid: await size(path.join(lazyDir, 'webview-mermaid.js')),
        eager: await size(path.join(eagerDir, 'webview.js')),
      },
      firstPaintMs: { lazy: median(lazy.map((x) => x.paint)), eager: median(eager.map((x) => x.paint)) },
      firstDiagramMs: { lazy: median(lazy.map((x) => x.diagram)), eager: median(eager.map((x) => x.diagram)) },
      largeModel: { elements: elementCount(model), views },
      hundredElementView: {
        elements: hundred.view.elements.length,
        relationships: hundred.view.relationships.length,
        nodeMs: timeInNode(hundred.view),
        panelMs: median(panelMs),
        targetMs: 1000,
      },
    };
  } finally {
    await browser.close();
    await fs.rm(work, { recursive: true, force: true });
  }
}
