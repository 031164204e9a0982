/**
 * Driving the VS Code workbench (code-server) in Chromium the way a user does: Explorer context
 * menus, the command palette, the Archflow view, notifications, quick inputs and the preview's
 * webview. Selectors lean on roles and accessible names VS Code gives its widgets.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';

export { CHROMIUM_PATH, launchChromium } from '../helpers/chromium';

/** Numbered screenshots of each stage: `<dir>/<nn>-<stage>.png`. */
export class Screenshots {
  private n = 0;
  readonly taken: string[] = [];

  constructor(readonly dir: string) {}

  /** Removes the screenshots of an earlier run (other files in the folder stay). */
  async reset(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    for (const f of await fs.readdir(this.dir)) {
      if (f.endsWith('.png')) await fs.rm(path.join(this.dir, f), { force: true });
    }
  }

  async take(page: Page, stage: string): Promise<string> {
    const file = path.join(this.dir, `${String(++this.n).padStart(2, '0')}-${stage}.png`);
    // Hovers and tooltips left by the last click are not what the user looks at.
    await page.mouse.move(700, 600);
    await page.waitForTimeout(200);
    await page.screenshot({ path: file });
    this.taken.push(file);
    return file;
  }
}

/** One step row of the Workflow tree, as its accessible label says. */
export interface StepRow {
  id: number;
  status: string;
  label: string;
}

export class Workbench {
  constructor(readonly page: Page) {}

  /** Opens `url` and waits until the workbench shows the workspace and Archflow's contributions. */
  async open(url: string, expectFile: string): Promise<void> {
    await this.page.goto(url);
    await this.waitReady(expectFile);
  }

  /**
   * Waits for the workbench, `expectFile` in the Explorer (when given), and Archflow's
   * contributions; then hides the secondary side bar, so every VS Code shows the same layout
   * (1.139 opens the Chat view there, holding the focus and a third of the width).
   */
  async waitReady(expectFile?: string): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    if (expectFile) await this.explorerItem(expectFile).waitFor({ timeout: 60_000 });
    // The activity bar entry appears once the extension's contributions are registered; menus need them.
    await this.archflowActivity().waitFor({ timeout: 60_000 });
    await this.hideSecondarySideBar();
  }

  /** The secondary side bar (VS Code 1.139 shows the Chat view in it at start-up). */
  secondarySideBar(): Locator {
    return this.page.locator('[id="workbench.parts.auxiliarybar"]');
  }

  /** Hides the secondary side bar when it is shown ("View: Hide Secondary Side Bar", in 1.100 and 1.139). */
  async hideSecondarySideBar(): Promise<void> {
    if (!(await this.secondarySideBar().isVisible())) return;
    await this.runCommand('View: Hide Secondary Side Bar');
    await this.secondarySideBar().waitFor({ state: 'hidden', timeout: 10_000 });
  }

  explorerItem(name: string): Locator {
    return this.page.locator('.explorer-folders-view').getByRole('treeitem', { name, exact: true });
  }

  /** The Archflow entry of the activity bar (a tab; aria-selected when its view is shown). */
  archflowActivity(): Locator {
    return this.page.locator('.activitybar li[role="tab"]', { has: this.page.locator('a[aria-label="Archflow"]') });
  }

  /** Right-click in the Explorer; resolves with the context menu entry, once it can be clicked. */
  async openExplorerContextMenu(file: string, entry: string): Promise<Locator> {
    await this.explorerItem(file).click({ button: 'right' });
    const item = this.page.getByRole('menuitem', { name: entry, exact: true });
    await item.waitFor();
    // VS Code ignores a click that lands right after the menu opened (the right button's release).
    await this.page.waitForTimeout(300);
    return item;
  }

  /** Right-click in the Explorer, then a context menu entry. */
  async explorerContextMenu(file: string, entry: string): Promise<void> {
    const item = await this.openExplorerContextMenu(file, entry);
    await item.click();
    await item.waitFor({ state: 'hidden', timeout: 5000 });
  }

  /** Opens the Archflow view container (no-op when it is already shown). */
  async showArchflowView(): Promise<void> {
    const view = this.page.locator('[id="workbench.view.extension.archflow"]');
    // Clicking the entry of a view that is shown would close the side bar, so click only when the
    // view is not visible (after a reload the entry can be selected while the side bar is hidden).
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await view.isVisible()) return;
      await this.archflowActivity().click();
      try {
        await view.waitFor({ timeout: 5_000 });
        return;
      } catch {
        // Still hidden (the workbench was busy restoring): look again and click again.
      }
    }
    await view.waitFor({ timeout: 15_000 });
  }

  async showExplorer(): Promise<void> {
    await this.page.keyboard.press('Control+Shift+E');
    await this.page.locator('.explorer-folders-view').waitFor();
  }

  sidebar(): Locator {
    return this.page.locator('[id="workbench.parts.sidebar"]');
  }

  /** The Chat view (VS Code 1.139 keeps it in the secondary side bar). */
  chatView(): Locator {
    return this.secondarySideBar();
  }

  /** Opens the Chat view (Ctrl+Alt+I) unless it is shown, and waits for its input. */
  async openChat(): Promise<void> {
    const input = this.chatView().locator('.interactive-input-editor').first();
    // The shortcut hides a Chat view that is shown.
    if (!(await input.isVisible())) await this.page.keyboard.press('Control+Alt+I');
    await input.waitFor({ timeout: 15_000 });
  }

  /**
   * Picks the chat model whose name starts with `name` in the Chat view's model picker. VS Code
   * 1.139 lists an extension's models there only once it has resolved their vendor, which "Chat:
   * Manage Language Models" does: when the picker does not offer the model, that view is opened
   * (as a user adding models would) and the picker asked again.
   */
  async pickChatModel(name: string): Promise<void> {
    const picker = this.chatView().locator('.model-picker-split').first();
    const option = this.page.getByRole('option', { name: new RegExp(`^${escapeRegExp(name)}`) }).first();
    for (let attempt = 0; ; attempt++) {
      await picker.click();
      const search = this.page.getByPlaceholder('Search models');
      const offered = await search.waitFor({ timeout: 5_000 }).then(
        () => true,
        () => false,
      );
      if (offered) {
        await search.fill(name);
        if (
          await option.waitFor({ timeout: 5_000 }).then(
            () => true,
            () => false,
          )
        )
          break;
      }
      await this.page.keyboard.press('Escape');
      if (attempt > 0) throw new Error(`the Chat view's model picker does not offer "${name}"`);
      await this.runCommand('Chat: Manage Language Models');
      await this.page.getByText(name, { exact: true }).first().waitFor({ timeout: 15_000 });
      await this.page.keyboard.press('Escape');
      await this.page.waitForTimeout(500);
    }
    await option.click();
    await this.chatView().locator('.model-picker-split', { hasText: name }).first().waitFor({ timeout: 10_000 });
  }

  /**
   * Starts a new chat and sends `text` as a user types it ("@participant /command prompt"): the
   * chat input is a Monaco editor without a textarea, so it is clicked and typed into. A sticky
   * participant stays in the input of a new chat, so the input is emptied first; the completion
   * list that typing opens would take Enter, so it is closed first.
   */
  async sendChat(text: string): Promise<void> {
    await this.chatView()
      .getByRole('button', { name: /^New Chat/ })
      .first()
      .click();
    const input = this.chatView().locator('.interactive-input-editor').first();
    await input.click();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Backspace');
    await this.page.keyboard.type(text, { delay: 10 });
    // The completion list is drawn outside the Chat view; while it shows, Enter picks an entry.
    const suggestions = this.page.locator('.suggest-widget.visible');
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await suggestions.first().isVisible()) {
        await this.page.keyboard.press('Escape');
        await suggestions.first().waitFor({ state: 'hidden', timeout: 5_000 });
      }
      await this.page.keyboard.press('Enter');
      // Sent: the input no longer holds the text (a sticky participant may stay in it).
      const sent = await this.waitUntil(
        async () => !(await input.innerText()).replace(/\u00a0/g, ' ').includes(text),
        3_000,
      );
      if (sent) return;
    }
    throw new Error(`the Chat view did not send "${text}"`);
  }

  /** Polls `ok` until it holds (true) or `timeoutMs` passes (false). */
  async waitUntil(ok: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await ok().catch(() => false)) return true;
      if (Date.now() > deadline) return false;
      await this.page.waitForTimeout(100);
    }
  }

  /**
   * Expands the parts of a chat response VS Code 1.139 folds under "Completed N steps in T s"
   * (the progress before the last answer), so its whole text can be read; no-op elsewhere.
   */
  async expandChatResponse(response: Locator): Promise<void> {
    const folded = response.getByText(/^Completed \d+ steps?\b/).first();
    if (await folded.isVisible()) {
      // Scrolled up, the fold's label lies under the chat's sticky title, which takes a pointer click.
      await folded.evaluate((label) => {
        const details = label.closest('details');
        if (details && !details.open) label.closest('summary')?.click();
        details?.scrollIntoView({ block: 'start' });
      });
      await this.page.waitForTimeout(500);
    }
  }

  /** The response in the Chat view that shows `text`. */
  chatResponse(text: string | RegExp): Locator {
    return this.chatView().locator('.monaco-list-row', { hasText: text });
  }

  /** The step rows of the Workflow tree; their labels read "Step 3 — Service Design, backend-architect, done". */
  async stepRows(): Promise<StepRow[]> {
    const items = await this.sidebar().locator('[role="treeitem"][aria-label^="Step "]').all();
    const labels = await Promise.all(items.map((item) => item.getAttribute('aria-label').catch(() => null)));
    return labels.flatMap((label) => {
      if (!label) return [];
      const m = /^Step (\d) — .*, ([a-z -]+)$/.exec(label);
      return m ? [{ id: Number(m[1]), status: m[2], label }] : [];
    });
  }

  /** Waits until the tree shows the statuses `want` (by step id), polling the DOM. */
  async waitForSteps(want: Record<number, string>, timeoutMs = 120_000): Promise<StepRow[]> {
    const matches = (rows: StepRow[]): boolean =>
      Object.entries(want).every(([id, status]) => rows.find((r) => r.id === Number(id))?.status === status);
    return this.waitForTree(matches, JSON.stringify(want), timeoutMs);
  }

  /** Waits until the tree's rows satisfy `ok`. */
  async waitForTree(ok: (rows: StepRow[]) => boolean, what: string, timeoutMs: number): Promise<StepRow[]> {
    const deadline = Date.now() + timeoutMs;
    let rows: StepRow[] = [];
    while (Date.now() < deadline) {
      rows = await this.stepRows();
      if (ok(rows)) return rows;
      await this.page.waitForTimeout(100);
    }
    throw new Error(`tree never showed ${what}; last: ${rows.map((r) => `${r.id}:${r.status}`).join(' ')}`);
  }

  /** Waits until the tree has no step rows (its welcome view shows). */
  async waitForNoSteps(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.stepRows()).length > 0) {
      if (Date.now() > deadline) throw new Error('the tree still shows steps');
      await this.page.waitForTimeout(250);
    }
  }

  /** Runs a command from the palette by its full label ("Archflow: Open Preview"). */
  async runCommand(label: string): Promise<void> {
    await this.page.keyboard.press('Control+Shift+P');
    const input = this.quickInput().locator('input');
    await input.waitFor();
    await input.fill(`>${label}`);
    const row = this.quickInput().getByRole('option', { name: label, exact: false }).first();
    await row.waitFor({ timeout: 15_000 });
    await input.press('Enter');
    await this.quickInput()
      .waitFor({ state: 'hidden', timeout: 10_000 })
      .catch(() => undefined);
  }

  /**
   * Runs a palette command by typing its whole label and pressing Enter once the first entry shows
   * it (for commands whose entry's accessible name carries a keybinding).
   */
  async runCommandTyped(label: string): Promise<void> {
    await this.page.keyboard.press('Control+Shift+P');
    const input = this.quickInput().locator('input');
    await input.waitFor();
    await input.fill(`>${label}`);
    await this.quickInput().locator('.monaco-list-row', { hasText: label }).first().waitFor({ timeout: 15_000 });
    await input.press('Enter');
    await this.quickInput()
      .waitFor({ state: 'hidden', timeout: 10_000 })
      .catch(() => undefined);
  }

  /** Moves the active editor's cursor to `line` (1-based) through Quick Open's ":line". */
  async goToLine(line: number): Promise<void> {
    await this.page.keyboard.press('Control+Shift+P');
    const input = this.quickInput().locator('input');
    await input.waitFor();
    await input.fill(`:${line}`);
    await this.page.waitForTimeout(200);
    await input.press('Enter');
    await this.quickInput()
      .waitFor({ state: 'hidden', timeout: 10_000 })
      .catch(() => undefined);
  }

  /** Whether the command palette offers `label` ("Archflow: Clear API Key") for what it is typed as. */
  async paletteOffers(label: string): Promise<boolean> {
    await this.page.keyboard.press('Control+Shift+P');
    const input = this.quickInput().locator('input');
    await input.waitFor();
    await input.fill(`>${label}`);
    // The list filters as it is typed; give it a moment before judging it empty.
    const row = this.quickInput().getByRole('option', { name: label, exact: false });
    const offered = await row
      .first()
      .waitFor({ timeout: 2_000 })
      .then(
        () => true,
        () => false,
      );
    await input.press('Escape');
    await this.quickInput()
      .waitFor({ state: 'hidden', timeout: 5_000 })
      .catch(() => undefined);
    return offered;
  }

  /** Archflow's status bar item. */
  statusBarItem(): Locator {
    return this.page.locator('.statusbar .statusbar-item', { hasText: /Archflow/ }).first();
  }

  /** Waits until the status bar item's text matches `text`; resolves with it. */
  async waitForStatusBar(text: RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = (
        (await this.statusBarItem()
          .textContent()
          .catch(() => '')) ?? ''
      ).trim();
      if (text.test(last)) return last;
      await this.page.waitForTimeout(100);
    }
    throw new Error(`the status bar never showed ${String(text)}; last: "${last}"`);
  }

  /** Closes the editor tab whose label contains `name` with its close button (the palette's close commands are fuzzy). */
  async closeTab(name: string | RegExp): Promise<void> {
    const tab = this.page.locator('.tabs-container .tab', { hasText: name }).first();
    // The close action shows on hover; its icon class differs between VS Code versions, its place
    // in the tab does not. (A palette command would risk "Close Editor Group", which closes more.)
    await tab.hover({ timeout: 10_000 });
    await tab.locator('.tab-actions .action-label').first().click({ force: true });
    await tab.waitFor({ state: 'detached', timeout: 5_000 });
  }

  /** Opens a workspace file by name through Quick Open (Ctrl+P), as a user would. */
  async openFile(name: string): Promise<void> {
    // The command palette without its ">" is Quick Open (Ctrl+P itself is the browser's Print).
    await this.page.keyboard.press('Control+Shift+P');
    const input = this.quickInput().locator('input');
    await input.waitFor();
    await input.fill(name);
    await this.quickInput()
      .getByRole('option', { name: new RegExp(escapeRegExp(name)) })
      .first()
      .waitFor({ timeout: 15_000 });
    await input.press('Enter');
    await this.page.locator('.tab', { hasText: name }).first().waitFor();
  }

  /** How many editor groups the editor area has. */
  async editorGroupCount(): Promise<number> {
    return this.page.locator('.editor-group-container').count();
  }

  /** The editor tabs' labels. */
  async tabLabels(): Promise<string[]> {
    return (await this.page.locator('.tabs-container .tab .label-name').allTextContents()).map((t) => t.trim());
  }

  /**
   * Every line of the active editor, read page by page as Monaco renders them (it draws only what
   * is visible): clicks into the editor, then pages from the top to the end.
   */
  async activeEditorLines(maxPages = 60): Promise<string[]> {
    const editor = this.page.locator('.editor-group-container.active .monaco-editor').first();
    await editor.click({ position: { x: 200, y: 60 } });
    await this.page.keyboard.press('Control+Home');
    const lines: string[] = [];
    let previous = '';
    for (let i = 0; i < maxPages; i++) {
      await this.page.waitForTimeout(80);
      const visible = (await editor.locator('.view-lines .view-line').allTextContents()).map((l) =>
        l.replace(/\u00a0/g, ' '),
      );
      const key = visible.join('\n');
      if (key === previous) break;
      previous = key;
      lines.push(...visible);
      await this.page.keyboard.press('PageDown');
    }
    return lines;
  }

  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Answers an input box (Enter), after checking its prompt. */
  async answerInput(promptText: RegExp, value: string): Promise<void> {
    const widget = this.quickInput();
    await widget.locator('.quick-input-message, .quick-input-title', { hasText: promptText }).first().waitFor();
    const input = widget.locator('input');
    await input.fill(value);
    await input.press('Enter');
  }

  /** The toast whose message matches `text`. */
  notification(text: string | RegExp): Locator {
    return this.page.locator('.notification-toast', { hasText: text });
  }

  /**
   * The notification whose message matches `text`: its toast, or, when VS Code has already hidden
   * the toast (info toasts time out), its entry in the notification center.
   */
  async expectNotification(text: string | RegExp, timeoutMs = 30_000): Promise<Locator> {
    const toast = this.notification(text);
    const inCenter = this.page.locator('.notifications-center .monaco-list-row', { hasText: text });
    const deadline = Date.now() + timeoutMs;
    let opened = false;
    while (Date.now() < deadline) {
      if (await toast.first().isVisible()) return toast.first();
      if (await inCenter.first().isVisible()) return inCenter.first();
      if (!opened && Date.now() > deadline - timeoutMs / 2) {
        await this.runCommand('Notifications: Show Notifications');
        opened = true;
      }
      await this.page.waitForTimeout(250);
    }
    throw new Error(`no notification matching ${String(text)}`);
  }

  /** Hides the notification center if it is open. */
  async hideNotificationCenter(): Promise<void> {
    if (await this.page.locator('.notifications-center.visible').isVisible()) {
      await this.runCommand('Notifications: Hide Notifications');
    }
  }

  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  /** The Archflow preview's content frame (the webview's inner iframe), once it shows `selector`. */
  async previewFrame(selector: string, timeoutMs = 60_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        const parent = frame.parentFrame();
        if (!parent || !parent.url().includes('extensionId=archflow.archflow')) continue;
        if (
          (await frame
            .locator(selector)
            .count()
            .catch(() => 0)) > 0
        )
          return frame;
      }
      await this.page.waitForTimeout(250);
    }
    const urls = this.page.frames().map((f) => f.url().slice(0, 140));
    throw new Error(`no Archflow webview frame showing ${selector}; frames: ${urls.join(' | ')}`);
  }

  /** "Developer: Reload Window"; resolves once the new page's workbench is up (views as they were). */
  async reloadWindow(): Promise<void> {
    const reloaded = this.page.waitForEvent('framenavigated', { predicate: (f) => f === this.page.mainFrame() });
    await this.runCommand('Developer: Reload Window');
    await reloaded;
    await this.waitReady();
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
