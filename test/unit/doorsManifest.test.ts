/**
 * The manifest's doors agree with the code: the language model tools are the shared tool set
 * (names, descriptions, schemas), the walkthrough's links and media exist, the run commands are
 * hidden where nothing can run (Restricted Mode, no folder), and "Clear API Key" shows only when a
 * key is stored.
 */
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ARCHFLOW_TOOLS } from '../../src/core/tools/index';
import { COMMAND_IDS, MCP_PROVIDER_ID, WALKTHROUGH_ID } from '../../src/vscode/commands/ids';
import { repoRoot } from '../helpers/paths';

interface MenuEntry {
  command: string;
  when?: string;
}

interface Manifest {
  name: string;
  publisher: string;
  contributes: {
    commands: { command: string }[];
    menus: Record<string, MenuEntry[]>;
    languageModelTools: Record<string, unknown>[];
    walkthroughs: {
      id: string;
      steps: {
        id: string;
        title: string;
        description: string;
        media: { markdown?: string; image?: string; altText?: string };
        completionEvents?: string[];
      }[];
    }[];
    mcpServerDefinitionProviders: { id: string; label: string }[];
    viewsWelcome: { contents: string }[];
  };
}

async function manifest(): Promise<Manifest> {
  return JSON.parse(await fs.readFile(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;
}

/** Commands that call the model or write files. */
const RUN_COMMANDS = COMMAND_IDS.filter((id) =>
  /^archflow\.(designArchitecture|runStep\d*|runStepItem|rerunStep|resetRun|recordApproval)$/.test(id),
);

describe('doors in the manifest', () => {
  it('contributes the shared tool set as language model tools', async () => {
    const { contributes } = await manifest();
    assert.deepEqual(
      contributes.languageModelTools.map((t) => ({
        name: t.name,
        displayName: t.displayName,
        modelDescription: t.modelDescription,
        userDescription: t.userDescription,
        toolReferenceName: t.toolReferenceName,
        icon: t.icon,
        inputSchema: t.inputSchema,
      })),
      ARCHFLOW_TOOLS.map((t) => ({
        name: t.name,
        displayName: `Archflow: ${t.title}`,
        modelDescription: t.description,
        userDescription: t.userDescription,
        toolReferenceName: t.referenceName,
        icon: t.icon,
        inputSchema: t.inputSchema,
      })),
    );
    for (const t of contributes.languageModelTools) {
      assert.equal(t.canBeReferencedInPrompt, true, `${String(t.name)} can be referenced with #`);
      assert.match(String(t.when), /workspaceFolderCount > 0/);
    }
    const run = contributes.languageModelTools.find((t) => t.name === 'archflow_run_workflow');
    assert.match(String(run?.when), /isWorkspaceTrusted/, 'the tool that writes is not offered in Restricted Mode');
  });

  it('hides every command that runs in Restricted Mode, in every menu it is in', async () => {
    const { contributes } = await manifest();
    const seen = new Set<string>();
    for (const [menu, entries] of Object.entries(contributes.menus)) {
      for (const entry of entries) {
        if (!RUN_COMMANDS.includes(entry.command as (typeof RUN_COMMANDS)[number])) continue;
        seen.add(entry.command);
        if (entry.when === 'false') continue;
        assert.match(entry.when ?? '', /(^|&& )isWorkspaceTrusted( &&|$)/, `${menu}: ${entry.command}`);
      }
    }
    for (const id of RUN_COMMANDS) assert.ok(seen.has(id), `${id} has a menu entry`);
    // An Explorer entry or a tree item already means a folder is open; elsewhere the clause says so.
    for (const menu of ['commandPalette', 'editor/context', 'view/title']) {
      for (const entry of contributes.menus[menu]) {
        if (RUN_COMMANDS.includes(entry.command as (typeof RUN_COMMANDS)[number]) && entry.when !== 'false') {
          assert.match(entry.when ?? '', /workspaceFolderCount > 0/, `${menu}: ${entry.command} needs a folder`);
        }
      }
    }
  });

  it('shows "Clear API Key" only when a key is stored', async () => {
    const { contributes } = await manifest();
    const entries = Object.values(contributes.menus)
      .flat()
      .filter((e) => e.command === 'archflow.clearApiKey');
    assert.ok(entries.length >= 2, 'in the palette and the view menu');
    for (const e of entries) assert.match(e.when ?? '', /archflow\.hasStoredKey/);
  });

  it('has a walkthrough whose steps link contributed commands and ship their media', async () => {
    const pkg = await manifest();
    const [walkthrough] = pkg.contributes.walkthroughs;
    assert.equal(`${pkg.publisher}.${pkg.name}#${walkthrough.id}`, WALKTHROUGH_ID);
    assert.deepEqual(
      walkthrough.steps.map((s) => s.title),
      [
        'Choose how Archflow reaches Claude',
        'Open your PRD',
        'Design the architecture',
        'Preview the diagrams and the exit criteria',
        'Resolve the security findings',
        'Record the stakeholder approval',
      ],
    );
    const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
    for (const step of walkthrough.steps) {
      const links = [...step.description.matchAll(/\(command:([a-zA-Z0-9_.]+)/g)].map((m) => m[1]);
      assert.ok(links.length > 0, `${step.id} has a button`);
      for (const link of links.filter((l) => l.startsWith('archflow.'))) {
        assert.ok(contributed.has(link), `${step.id} links ${link}`);
      }
      for (const event of step.completionEvents ?? []) {
        const command = /^onCommand:(.+)$/.exec(event)?.[1];
        if (command) assert.ok(contributed.has(command), `${step.id} completes on ${command}`);
      }
      const media = step.media.markdown ?? step.media.image;
      assert.ok(media && existsSync(path.join(repoRoot, media)), `${step.id}: ${media} exists`);
      if (step.media.image) assert.ok(step.media.altText, `${step.id}: an image has alt text`);
    }
    const text = (
      await Promise.all(
        walkthrough.steps.flatMap((s) =>
          s.media.markdown ? [fs.readFile(path.join(repoRoot, s.media.markdown), 'utf8')] : [],
        ),
      )
    ).join('\n');
    assert.doesNotMatch(text, /https?:\/\//, 'offline: the media link nothing on the network');
    assert.ok(contributed.has('archflow.getStarted'));
  });

  it('declares the MCP server definition provider the extension registers', async () => {
    const { contributes } = await manifest();
    assert.deepEqual(contributes.mcpServerDefinitionProviders, [{ id: MCP_PROVIDER_ID, label: 'Archflow' }]);
  });
});
