/** `archflow export`: every C4 view as a standalone SVG beside its `.mmd` file; PNG is refused with a remedy. */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { renderC4Views } from '../../src/core/c4/mermaid';
import { FIXTURE_C4, createBundleFixture } from '../helpers/bundleFixture';
import { runCli } from '../helpers/cli';

test('export writes one SVG per view with the view title, its elements and a legend', async () => {
  const fixture = await createBundleFixture();
  try {
    const r = await runCli(['export', fixture.outputDir], {});
    assert.equal(r.code, 0, r.stderr);
    const views = renderC4Views(FIXTURE_C4);
    for (const v of views) {
      const svg = await fs.readFile(path.join(fixture.outputDir, v.file.replace(/\.mmd$/, '.svg')), 'utf8');
      assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.ok(svg.includes(`aria-label="${v.title}"`), `${v.file}: titled`);
      for (const e of v.elements) assert.ok(svg.includes(`data-element-id="${e.id}"`), `${v.file}: draws ${e.id}`);
      assert.ok(svg.includes('class="af-legend"'), `${v.file}: has a legend`);
      assert.ok(svg.includes('<style>'), `${v.file}: carries its colours`);
      assert.ok(r.stdout.includes(v.file.replace(/\.mmd$/, '.svg')), 'lists the file');
    }
    // The same model gives the same files.
    const before = await fs.readFile(path.join(fixture.outputDir, views[1].file.replace(/\.mmd$/, '.svg')), 'utf8');
    assert.equal((await runCli(['export', fixture.outputDir], {})).code, 0);
    const again = await fs.readFile(path.join(fixture.outputDir, views[1].file.replace(/\.mmd$/, '.svg')), 'utf8');
    assert.equal(again, before);
  } finally {
    await fixture.dispose();
  }
});

test('export --format png says where PNG comes from; a folder without a model is an error', async () => {
  const fixture = await createBundleFixture({ c4: null });
  try {
    const png = await runCli(['export', fixture.outputDir, '--format', 'png'], {});
    assert.equal(png.code, 2);
    assert.match(png.stderr, /Export Diagrams/);
    const none = await runCli(['export', fixture.outputDir], {});
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no readable C4 model/);
  } finally {
    await fixture.dispose();
  }
});
