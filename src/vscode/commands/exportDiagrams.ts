/** "Export Diagrams": every C4 view of the output folder as SVG or PNG, beside its `.mmd` file. */
import * as vscode from 'vscode';
import type { ExportFormat } from '../../shared/protocol';
import type { Services } from './services';

export async function exportDiagrams({ preview, session }: Services): Promise<void> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'SVG', description: 'vector, for documents and the web', format: 'svg' as ExportFormat },
      { label: 'PNG', description: 'image, for slides and chat', format: 'png' as ExportFormat },
    ],
    { title: 'Archflow: Export Diagrams', placeHolder: 'Export every C4 view as…' },
  );
  if (!picked) return;
  const written = await preview.exportViews(picked.format);
  const folder = session.output()?.relative ?? '';
  await vscode.window.showInformationMessage(
    `Archflow: exported ${written.length} view${written.length === 1 ? '' : 's'} as ${picked.label} to ${folder}/diagrams/.`,
  );
}
