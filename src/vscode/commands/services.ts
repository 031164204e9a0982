/** What command handlers work with, built once by the composition root. */
import type { ConflictPrompts } from '../conflicts';
import type { LiveOutput } from '../liveOutput';
import type { ExtensionLog } from '../log';
import type { PreviewPanel } from '../previewPanel';
import type { ReviewComments } from '../reviewComments';
import type { Runner } from '../runner';
import type { ApiKeyStore } from '../secrets';
import type { HostSession } from '../session/session';

export interface Services {
  log: ExtensionLog;
  secrets: ApiKeyStore;
  session: HostSession;
  live: LiveOutput;
  runner: Runner;
  preview: PreviewPanel;
  comments: ReviewComments;
  conflicts: ConflictPrompts;
}
