/** What command handlers work with, built once by the composition root. */
import type { LiveOutput } from '../liveOutput';
import type { ExtensionLog } from '../log';
import type { PreviewPanel } from '../previewPanel';
import type { ProgressTree } from '../progressTree';
import type { Runner } from '../runner';
import type { ApiKeyStore } from '../secrets';

export interface Services {
  log: ExtensionLog;
  secrets: ApiKeyStore;
  tree: ProgressTree;
  live: LiveOutput;
  runner: Runner;
  preview: PreviewPanel;
}
