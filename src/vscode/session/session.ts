/**
 * The host session: the one owner of what the extension shows. It picks the output folder to show,
 * reads its snapshot (state, bundle, exit report: the core's `readSnapshot`), keeps the live overlay
 * of engine events and the runs in progress, and watches the files. The tree, the preview panel,
 * the live output, the progress notification and the context keys are projections: they subscribe
 * to `onDidChange` / `onDidRunEvent` and read from here, never from the disk.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Bundle } from '../../core/bundle';
import type { EngineEvent, StepView, WorkflowView } from '../../core/events';
import type { ExitReport } from '../../core/exitCriteria';
import { type Snapshot, readSnapshot } from '../../core/snapshot';
import type { StepId } from '../../core/steps';
import { type OutputFolder, affectsOutputFolder, outputFolderOf, readRequiredApprovals } from '../config';
import { type ExtensionLog, errorMessage } from '../log';
import { SerialQueue } from '../../core/serialQueue';
import { LiveOverlay } from './overlay';
import { SessionRun } from './run';
import { FolderWatchers } from './watchers';

/** A complete read of the shown output folder. */
export interface FolderSnapshot {
  view: WorkflowView;
  /** The design as read from disk (documents may exist without archflow.json). */
  bundle: Bundle;
  /** The exit criteria of `bundle`, computed by the core. */
  report: ExitReport;
}

/**
 * What changed, so a projection can skip work: `folder` another output folder is shown (its
 * snapshot follows); `snapshot` it was read again from disk (or could not be); `live` a run
 * started, moved on or ended.
 */
export type SessionChange = 'folder' | 'snapshot' | 'live';

/** One engine event of a run, after the session applied it. */
export interface RunEventNote {
  run: SessionRun;
  event: EngineEvent;
  /** The run was cancelled when the event came (a step's failure is then just a stop). */
  cancelled: boolean;
}

/** Coalesces bursts of file events (a run writes many files at once). */
const REREAD_DELAY_MS = 250;
const NOTHING_RUNNING: ReadonlySet<StepId> = new Set();

function sameFolder(a: OutputFolder | undefined, b: OutputFolder | undefined): boolean {
  return a?.uri.toString() === b?.uri.toString();
}

/** The snapshot when it is complete (`readSnapshot` leaves the bundle out for a folder without a run). */
function complete({ view, bundle, report }: Snapshot): FolderSnapshot | undefined {
  return bundle && report ? { view, bundle, report } : undefined;
}

/** Reads a folder whole: its documents too when it has no archflow.json yet. */
async function readFolder(output: OutputFolder): Promise<FolderSnapshot> {
  const read = complete(
    await readSnapshot(output.dir, { always: true, requiredApprovals: readRequiredApprovals(output.folder) }),
  );
  if (!read) throw new Error(`The design in ${output.dir} could not be read.`);
  return read;
}

export class HostSession implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SessionChange>();
  /** The shown folder, its snapshot, the overlay or the runs changed. */
  readonly onDidChange = this.changed.event;
  private readonly runEvents = new vscode.EventEmitter<RunEventNote>();
  /** Every engine event of every run (the live output and the progress notification follow it). */
  readonly onDidRunEvent = this.runEvents.event;

  private readonly disposables: vscode.Disposable[];
  private readonly watchers = new FolderWatchers(() => this.requestRefresh());
  /** Reads one at a time, so an older read never overwrites a newer one. */
  private readonly reads = new SerialQueue();
  private readonly overlay = new LiveOverlay();
  /** Runs by output folder URI: one run at a time per output folder. */
  private readonly runs = new Map<string, SessionRun>();
  private shown?: OutputFolder;
  private current?: FolderSnapshot;
  private readProblem?: string;
  private refreshTimer?: NodeJS.Timeout;

  constructor(private readonly log: ExtensionLog) {
    this.disposables = [
      this.changed,
      this.runEvents,
      this.watchers,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsOutputFolder(e)) this.select();
        else if (e.affectsConfiguration('archflow.requiredApprovals')) this.requestRefresh(0);
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.select()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.requestRefresh(0)),
    ];
  }

  /** Picks what to show at start-up; reads from disk in the background. */
  start(): void {
    this.select();
  }

  /** The output folder shown (the one of the latest run, or of a folder with a run). */
  output(): OutputFolder | undefined {
    return this.shown;
  }

  /** The shown folder as last read; undefined until the first read of it is done. */
  snapshot(): FolderSnapshot | undefined {
    return this.current;
  }

  /** Why the last read of the shown folder failed (a broken archflow.json); undefined when it worked. */
  problem(): string | undefined {
    return this.readProblem;
  }

  /** The PRD of the shown run, when archflow.json names one. */
  prdUri(): vscode.Uri | undefined {
    const prd = this.current?.view.prdPath;
    if (!prd || !this.shown) return undefined;
    return vscode.Uri.file(path.isAbsolute(prd) ? prd : path.join(this.shown.folder.uri.fsPath, prd));
  }

  /** Every step of the shown folder: the disk's view with what this session's runs reported. */
  steps(): StepView[] {
    const progress = this.shownRun()?.progress;
    return this.overlay.steps(this.current?.view, progress?.running ?? NOTHING_RUNNING, progress?.parts);
  }

  /** Whether there is a run to show: one in progress, one reported, or one on disk. */
  hasRun(): boolean {
    const run = this.shownRun();
    return (run?.started ?? false) || this.overlay.size > 0 || (this.current !== undefined && !this.current.view.empty);
  }

  /** Whether a run is in progress anywhere. */
  isRunning(): boolean {
    return [...this.runs.values()].some((r) => r.started);
  }

  /** Whether a run is in progress (or being prepared) in `output`. */
  isBusy(output: OutputFolder): boolean {
    return this.runs.has(output.uri.toString());
  }

  /** The run in progress (or being prepared) in `output`. */
  runIn(output: OutputFolder): SessionRun | undefined {
    return this.runs.get(output.uri.toString());
  }

  /** Cancels every run in progress; the number of runs cancelled. */
  cancelAll(): number {
    return [...this.runs.values()].filter((r) => r.cancel()).length;
  }

  /**
   * Reserves `output` for a run; undefined when one is in progress there already. The caller
   * starts the run, feeds it the engine's events and ends it (always, even when it never started).
   */
  reserve(output: OutputFolder): SessionRun | undefined {
    const key = output.uri.toString();
    if (this.runs.has(key)) return undefined;
    const run = new SessionRun(output, {
      started: (r) => {
        this.show(r.output);
        this.fire('live');
      },
      applied: (r, event, cancelled) => this.applied(r, event, cancelled),
      ended: (r) => this.ended(r),
    });
    this.runs.set(key, run);
    return run;
  }

  /** Shows `output` from now on (a run started there, or the preview was opened on one of its files). */
  show(output: OutputFolder): void {
    this.setShown(output);
    this.requestRefresh(0);
  }

  /** Forgets what events reported (after Reset Run); the next read shows the disk alone. */
  forgetLive(): void {
    this.overlay.clear();
    this.fire('live');
  }

  /** Reads the shown folder again soon; requests in a burst coalesce. Never rejects. */
  requestRefresh(delayMs = REREAD_DELAY_MS): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.enqueue(() => this.readNow());
    }, delayMs);
  }

  /** Reads the shown folder now; resolves when the projections were told. Never rejects. */
  async refresh(): Promise<void> {
    await this.enqueue(() => this.readNow());
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.disposables.forEach((d) => d.dispose());
  }

  private shownRun(): SessionRun | undefined {
    return this.shown && this.runIn(this.shown);
  }

  private applied(run: SessionRun, event: EngineEvent, cancelled: boolean): void {
    // The overlay is of the shown folder; a run elsewhere only moves its own progress.
    const shown = sameFolder(run.output, this.shown);
    if (shown) this.overlay.apply(event, cancelled);
    this.runEvents.fire({ run, event, cancelled });
    if (!shown) return;
    switch (event.type) {
      case 'step-started':
      case 'step-progress':
        this.fire('live');
        return;
      case 'step-done':
      case 'step-failed':
        this.fire('live');
        // A step a cancel stopped wrote nothing.
        if (!(cancelled && event.type === 'step-failed')) this.requestRefresh();
        return;
      case 'file-written':
      case 'file-kept':
      case 'run-finished':
        this.requestRefresh();
        return;
      case 'run-started':
      case 'step-text':
      case 'step-retry':
      case 'step-repair':
        return;
    }
  }

  private ended(run: SessionRun): void {
    const key = run.output.uri.toString();
    if (this.runs.get(key) === run) this.runs.delete(key);
    if (sameFolder(run.output, this.shown)) this.requestRefresh(0);
    this.fire('live');
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    return this.reads.run(work).catch((err: unknown) => {
      this.log.warn(`Workflow view refresh failed: ${errorMessage(err)}`);
    });
  }

  private select(): void {
    void this.enqueue(() => this.selectNow());
  }

  /**
   * Picks the folder to show: the shown one while it is still valid, else the first workspace
   * folder with a run, else the folder of the active editor, else the first.
   */
  private async selectNow(): Promise<void> {
    const before = this.shown;
    const outputs: OutputFolder[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      try {
        outputs.push(outputFolderOf(folder));
      } catch (err) {
        this.log.warn(`${folder.name}: ${errorMessage(err)}`);
      }
    }
    const keep = outputs.find((o) => sameFolder(o, before));
    let chosen: OutputFolder | undefined;
    let read: FolderSnapshot | undefined;
    for (const output of keep ? [keep] : outputs) {
      const probe = await readSnapshot(output.dir).catch(() => undefined);
      if (probe && !probe.view.empty) {
        chosen = output;
        read = complete(probe);
        break;
      }
    }
    if (!chosen) {
      const active = vscode.window.activeTextEditor?.document.uri;
      const activeFolder = active && vscode.workspace.getWorkspaceFolder(active);
      chosen = keep ?? outputs.find((o) => o.folder === activeFolder) ?? outputs[0];
      // Read before switching, so the projections go from one folder's content to the other's.
      if (chosen) read = await readFolder(chosen).catch(() => undefined);
    }
    // A run started meanwhile and showed its folder: that choice is newer than this one.
    if (!sameFolder(this.shown, before)) return;
    this.setShown(chosen);
    if (read) this.accept(read);
    else await this.readNow();
  }

  /** Shows `output`; what the overlay and the last read said belong to the folder shown before. */
  private setShown(output: OutputFolder | undefined): void {
    const changed = !sameFolder(output, this.shown);
    // The same folder may come back as a new object (its workspace folder was re-added).
    this.shown = output;
    if (!changed) return;
    this.current = undefined;
    this.readProblem = undefined;
    this.overlay.clear();
    this.watchers.watchOutput(output);
    this.fire('folder');
  }

  private async readNow(): Promise<void> {
    const output = this.shown;
    if (!output) {
      this.fire('snapshot');
      return;
    }
    let read: FolderSnapshot;
    try {
      read = await readFolder(output);
    } catch (err) {
      if (!sameFolder(this.shown, output)) return;
      this.log.warn(`Could not read the workflow state in ${output.dir}: ${errorMessage(err)}`);
      // The last good snapshot stays on show (the tree keeps its rows); the preview says what is wrong.
      this.readProblem = errorMessage(err);
      this.fire('snapshot');
      return;
    }
    if (sameFolder(this.shown, output)) this.accept(read);
  }

  private accept(read: FolderSnapshot): void {
    this.current = read;
    this.readProblem = undefined;
    this.overlay.settle(read.view);
    this.watchers.watchPrd(this.prdUri());
    this.fire('snapshot');
  }

  private fire(change: SessionChange): void {
    this.changed.fire(change);
  }
}
