/**
 * The manifest and the host's command ids agree: every contributed command is one the registry
 * registers (and back), and there is one palette command per row of the step table, titled after
 * the step. A ninth step fails here until package.json has its command.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { STEPS, stepTitle } from '../../src/core/steps';
import { COMMAND_IDS, STEP_COMMANDS, stepArgument } from '../../src/vscode/commands/ids';
import { repoRoot } from '../helpers/paths';

interface Manifest {
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: { commandPalette: { command: string; when?: string }[] };
  };
}

async function manifest(): Promise<Manifest> {
  return JSON.parse(await fs.readFile(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;
}

describe('command manifest', () => {
  it('contributes exactly the commands the registry registers', async () => {
    const { contributes } = await manifest();
    assert.deepEqual(
      contributes.commands.map((c) => c.command),
      [...COMMAND_IDS],
    );
  });

  it('has one "Run Step n — Name" palette command per step of the table', async () => {
    const { contributes } = await manifest();
    const perStep = contributes.commands.filter((c) => /^archflow\.runStep\d+$/.test(c.command));
    assert.deepEqual(
      perStep.map((c) => ({ id: c.command, title: c.title, category: c.category })),
      STEPS.map((s) => ({ id: `archflow.runStep${s.id}`, title: `Run ${stepTitle(s.id)}`, category: 'Archflow' })),
    );
    assert.deepEqual(
      STEP_COMMANDS.map((c) => ({ id: c.id, title: c.title })),
      perStep.map((c) => ({ id: c.command, title: c.title })),
    );
    for (const { id } of STEP_COMMANDS) {
      const entry = contributes.menus.commandPalette.find((m) => m.command === id);
      assert.equal(
        entry?.when,
        'workspaceFolderCount > 0 && isWorkspaceTrusted',
        `${id} is in the palette once a folder is open, and not in Restricted Mode`,
      );
    }
  });

  it('reads the step a command was given as its argument', () => {
    assert.equal(stepArgument([3]), 3);
    assert.equal(stepArgument([{ scheme: 'file' }, 8]), 8);
    assert.equal(stepArgument([]), undefined);
    assert.equal(stepArgument([0, 9, '3', 2.5]), undefined);
  });
});
