/** Checks of a whole output folder that several suites make after a full run. */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ARCHITECTURE_SECTIONS } from '../../src/core/assemble';
import { parseState } from '../../src/core/state';
import { listFiles } from './cli';
import { STEP_DOCS } from './layout';

/** Asserts every file of SPEC §3 is present and well formed. */
export async function assertFullBundle(out: string): Promise<void> {
  const files = await listFiles(out);
  for (const doc of STEP_DOCS) assert.ok(files.includes(doc), `${doc} missing; have ${files.join(', ')}`);
  for (const f of [
    'adr/README.md',
    'diagrams/c4-context.mmd',
    'diagrams/c4-container.mmd',
    'ARCHITECTURE.md',
    'archflow.json',
  ]) {
    assert.ok(files.includes(f), `${f} missing`);
  }
  const adrs = files.filter((f) => /^adr\/\d{4}-[a-z0-9-]+\.md$/.test(f));
  assert.ok(adrs.length >= 1, 'no ADR file');
  assert.ok(
    files.some((f) => /^diagrams\/c4-component-[a-z0-9-]+\.mmd$/.test(f)),
    'no level-3 view',
  );
  assert.ok(!files.some((f) => f.endsWith('.tmp')), 'a temporary file was left behind');

  const arch = await fs.readFile(path.join(out, 'ARCHITECTURE.md'), 'utf8');
  const headings = [...arch.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  assert.deepEqual(
    headings,
    ARCHITECTURE_SECTIONS.map((s, i) => `${i + 1}. ${s}`),
  );
  assert.match(arch, /```mermaid\nC4Context/);
  assert.match(arch, /```mermaid\nC4Container/);
  assert.match(arch, /```mermaid\nC4Component/);
  // One deployment view per environment, each embedded in section 9 (step 5's Deployment Architecture).
  const deployments = files.filter((f) => /^diagrams\/c4-deployment-[a-z0-9-]+\.mmd$/.test(f));
  assert.ok(deployments.length >= 1, `no deployment view; have ${files.join(', ')}`);
  assert.ok(!files.includes('diagrams/c4-deployment.mmd'), 'the one deployment view of before is gone');
  const nine = arch.slice(arch.indexOf('## 9. Deployment Architecture'), arch.indexOf('## 10. '));
  assert.equal((nine.match(/```mermaid\nC4Deployment\n/g) ?? []).length, deployments.length);
  for (const file of deployments) {
    const deployment = await fs.readFile(path.join(out, file), 'utf8');
    assert.match(deployment, /^C4Deployment\n {2}title Deployment View — .+ — .+\n/);
    assert.match(deployment, /Deployment_Node\(/);
    assert.ok(nine.includes(deployment.trim()), `section 9 embeds ${file}`);
  }
  assert.doesNotMatch(arch, /Not produced yet/);

  const context = await fs.readFile(path.join(out, 'diagrams/c4-context.mmd'), 'utf8');
  assert.match(context, /^C4Context/);
  const index = await fs.readFile(path.join(out, 'adr/README.md'), 'utf8');
  for (const a of adrs) assert.ok(index.includes(path.basename(a)), `${a} not in the index`);

  const state = parseState(await fs.readFile(path.join(out, 'archflow.json'), 'utf8'));
  for (let i = 1; i <= 8; i++) {
    const rec = state.steps[i as 1];
    assert.equal(rec?.status, 'done', `step ${i} not done`);
    assert.ok(rec!.usage!.output > 0, `step ${i} has no output tokens recorded`);
    assert.ok(rec!.model, `step ${i} has no model recorded`);
  }
  assert.doesNotMatch(JSON.stringify(state), /sk-ant/);
}
