/**
 * The single `diagrams/c4-deployment.mmd` of before the deployment views per environment: a run with no
 * step to do (the extension's "Design Architecture" on an up-to-date folder, `archflow design`) removes
 * it without a model call when it holds a version Archflow wrote, and leaves it when the user edited it.
 */
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { hashText } from '../../src/core/hash';
import { readSnapshot } from '../../src/core/snapshot';
import { parseState, serializeState } from '../../src/core/state';
import { LAYOUT } from '../../src/core/steps';
import { fakeServerPerFile } from '../helpers/fakePerFile';
import { designedWorkspace, runCli } from '../helpers/cli';

const fakes = fakeServerPerFile();
const env = fakes.env;
const LEGACY = LAYOUT.c4DeploymentLegacy;

const designed = (): ReturnType<typeof designedWorkspace> => designedWorkspace('archflow-legacy-', env());

/** Writes the old single deployment view; `ours` records its hash as Archflow's, as an older version did. */
async function writeLegacy(out: string, ours: boolean): Promise<string> {
  const text = 'C4Deployment\n  title Deployment View\n  Deployment_Node(cloud, "Cloud region") {\n  }\n';
  await fs.writeFile(path.join(out, LEGACY), text);
  if (ours) {
    const file = path.join(out, LAYOUT.state);
    const state = parseState(await fs.readFile(file, 'utf8'));
    state.files[LEGACY] = { hashes: [hashText(text)] };
    await fs.writeFile(file, serializeState(state));
  }
  return text;
}

describe('the old single deployment view', () => {
  it('is removed by a run with no step to do, without a model call, when Archflow wrote it', async () => {
    const ws = await designed();
    await writeLegacy(ws.out, true);
    // The snapshot the extension reads before "Design Architecture" names it, so the run is not skipped.
    assert.deepEqual((await readSnapshot(ws.out)).obsoleteDerived, [LEGACY]);
    const calls = fakes.server.requests.length;
    const again = await runCli(['design', ws.prd, '--out', ws.out], env());
    assert.equal(again.code, 0, again.stderr);
    assert.equal(fakes.server.requests.length, calls, 'no model call');
    assert.equal(existsSync(path.join(ws.out, LEGACY)), false, 'the old view is gone');
    const views = (await fs.readdir(path.join(ws.out, 'diagrams'))).filter((n) =>
      `diagrams/${n}`.startsWith(LAYOUT.c4DeploymentPrefix),
    );
    assert.ok(views.length >= 2, `the views per environment stay: ${views.join(', ')}`);
    assert.deepEqual((await readSnapshot(ws.out)).obsoleteDerived, []);
  });

  it('stays when the user edited it, and is not named as to be removed', async () => {
    const ws = await designed();
    const text = await writeLegacy(ws.out, false);
    assert.deepEqual((await readSnapshot(ws.out)).obsoleteDerived, []);
    const again = await runCli(['design', ws.prd, '--out', ws.out], env());
    assert.equal(again.code, 0, again.stderr);
    assert.equal(await fs.readFile(path.join(ws.out, LEGACY), 'utf8'), text);
  });
});
