/** archflow.json while a run goes on: one copy in memory, every change written at once, one at a time. */
import { hashText } from './hash';
import type { RunFiles } from './runFiles';
import { SerialQueue } from './serialQueue';
import { type ArchflowState, loadState, parseState, serializeState } from './state';
import { LAYOUT } from './steps';

/** How many recent hashes of a file Archflow remembers as its own versions. */
const KEEP_HASHES = 8;

/** The hashes of what Archflow wrote to each file: any other content is a user's edit. */
export interface FileHashes {
  /** Hashes of the contents Archflow wrote to `rel`, recent first. */
  known(rel: string): readonly string[];
  /** Remembers `content` as Archflow's version of `rel` (before it is written). */
  record(rel: string, content: string): Promise<void>;
}

/** The run state of one run; the engine owns it, the writer records file hashes through it. */
export class RunState implements FileHashes {
  private readonly queue = new SerialQueue();

  private constructor(
    private readonly files: RunFiles,
    private readonly now: () => Date,
    private state: ArchflowState,
  ) {}

  /** Reads archflow.json (an empty state when there is none). */
  static async load(files: RunFiles, now: () => Date): Promise<RunState> {
    return new RunState(files, now, await loadState(files));
  }

  /** The state as it stands (read-only by convention: change it through `update`). */
  get current(): ArchflowState {
    return this.state;
  }

  /** Applies `mutate` and writes archflow.json; updates run one after another. */
  async update(mutate: (s: ArchflowState) => void): Promise<void> {
    await this.queue.run(async () => {
      const s = this.state;
      // Approvals are recorded by other commands (panel, CLI) while a run goes on: keep theirs.
      const onDisk = await this.files
        .readFresh(LAYOUT.state)
        .then((text) => (text === undefined ? undefined : parseState(text)))
        .catch(() => undefined);
      if (onDisk) s.approvals = onDisk.approvals;
      mutate(s);
      s.updatedAt = this.now().toISOString();
      this.state = s;
      await this.files.write(LAYOUT.state, serializeState(s));
    });
  }

  known(rel: string): readonly string[] {
    return this.state.files[rel]?.hashes ?? [];
  }

  async record(rel: string, content: string): Promise<void> {
    const hash = hashText(content);
    await this.update((s) => {
      const rec = s.files[rel] ?? { hashes: [] };
      rec.hashes = [hash, ...rec.hashes.filter((h) => h !== hash)].slice(0, KEEP_HASHES);
      s.files[rel] = rec;
    });
  }
}
