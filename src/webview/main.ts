/**
 * The preview panel's entry point. The page's HTML is set once by the host; everything shown arrives
 * by message. Listeners go in first, then `ready` tells the host it may post (earlier posts would be
 * lost). UI choices (tab, diagram, zoom, document) survive hide/show and window reloads via setState.
 */
import {
  type HostToWebview,
  type PreviewState,
  type PreviewStepStatus,
  assertNever,
  isHostMessage,
} from '../shared/protocol';
import { AdrsView } from './adrs';
import { CriteriaView } from './criteria';
import { installDiagramStyles } from './diagramStyles';
import { DiagramsView } from './diagrams';
import { DocumentsView } from './documents';
import { h } from './dom';
import { loadedMermaid } from './lazy';
import { progressRing, registerToolkit, tabs } from './toolkit';
import { post, saveUiState, uiState } from './vscodeApi';

const STATUS_TEXT: Record<PreviewStepStatus, string> = {
  'not-started': 'not started',
  running: 'running',
  done: 'done',
  stale: 'stale',
  failed: 'failed',
};
const STATUS_ICON: Record<PreviewStepStatus, string> = {
  'not-started': '○',
  running: '◌',
  done: '✓',
  stale: '!',
  failed: '✗',
};
const TAB_IDS = ['diagrams', 'documents', 'adrs', 'criteria'] as const;

registerToolkit();
installDiagramStyles();

const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
const outputLabel = h('span', { className: 'muted output-label' });
const runStatus = h('div', { className: 'run-status', attrs: { role: 'status', 'aria-live': 'polite' } });
const stepList = h('ol', { className: 'steps', attrs: { 'aria-label': 'Workflow steps' } });
const problems = h('div', { className: 'problems', hidden: true, attrs: { role: 'alert' } });

const documents = new DocumentsView();
const diagrams = new DiagramsView();
const adrs = new AdrsView((file) => {
  if (documents.reveal(file)) tabBar.select('documents');
});
const criteria = new CriteriaView();
const tabBar = tabs(
  'Preview sections',
  [
    { id: 'diagrams', label: 'Diagrams', content: diagrams.element },
    { id: 'documents', label: 'Documents', content: documents.element },
    { id: 'adrs', label: 'Decisions', content: adrs.element },
    { id: 'criteria', label: 'Exit criteria', content: criteria.element },
  ],
  (id) => {
    saveUiState({ tab: id });
    if (id === 'documents') documents.becameVisible();
  },
);

app.replaceChildren(
  h(
    'header',
    { className: 'topbar' },
    h('div', { className: 'topbar-title' }, h('h1', { text: 'Architecture preview' }), outputLabel),
    runStatus,
    stepList,
  ),
  problems,
  tabBar.element,
);
const savedTab = uiState().tab;
if (savedTab && (TAB_IDS as readonly string[]).includes(savedTab)) tabBar.select(savedTab);

let state: PreviewState | undefined;
let pendingReveal: string | undefined;

function renderSteps(s: PreviewState): void {
  stepList.replaceChildren(
    ...s.steps.map((step) =>
      h(
        'li',
        {
          className: `step status-${step.status}`,
          title: `${step.title} (${step.agent}): ${STATUS_TEXT[step.status]}${step.reason ? ` — ${step.reason}` : ''}`,
        },
        h('span', { className: 'step-icon', attrs: { 'aria-hidden': 'true' }, text: STATUS_ICON[step.status] }),
        h('span', { className: 'step-number', text: String(step.id) }),
        h('span', { className: 'visually-hidden', text: `${step.title}: ${STATUS_TEXT[step.status]}` }),
      ),
    ),
  );
  const done = s.steps.filter((x) => x.status === 'done').length;
  const running = s.steps.filter((x) => x.status === 'running');
  const stale = s.steps.filter((x) => x.status === 'stale').length;
  const failed = s.steps.filter((x) => x.status === 'failed').length;
  const extra = [stale ? `${stale} stale` : '', failed ? `${failed} failed` : ''].filter(Boolean).join(', ');
  if (s.running || running.length > 0) {
    runStatus.replaceChildren(
      progressRing('Run in progress'),
      h('span', {
        text: `Running${running.length ? `: ${running.map((x) => x.title).join(' · ')}` : '…'} (${done} of ${s.steps.length} done)`,
      }),
    );
  } else if (s.empty) {
    runStatus.replaceChildren(h('span', { text: 'No run yet. Run “Archflow: Design Architecture” on your PRD.' }));
  } else {
    runStatus.replaceChildren(
      h('span', { text: `${done} of ${s.steps.length} steps done${extra ? ` (${extra})` : ''}` }),
    );
  }
}

function renderState(s: PreviewState): void {
  state = s;
  app.removeAttribute('aria-busy');
  outputLabel.textContent = s.outputLabel;
  renderSteps(s);
  problems.hidden = s.problems.length === 0;
  problems.replaceChildren(...s.problems.map((p) => h('p', { text: p })));
  diagrams.update(s);
  documents.update(s);
  adrs.update(s);
  criteria.update(s);
  tabBar.setBadge('adrs', String(s.adrs.length), `${s.adrs.length} ADRs`);
  const b = criteria.badge(s);
  tabBar.setBadge('criteria', b.text, b.label);
  if (pendingReveal !== undefined) {
    const file = pendingReveal;
    pendingReveal = undefined;
    reveal(file);
  }
}

function reveal(file: string): void {
  if (!state) {
    pendingReveal = file;
    return;
  }
  if (diagrams.reveal(file)) tabBar.select('diagrams');
  else if (documents.reveal(file)) tabBar.select('documents');
  else if (file.startsWith('diagrams/')) tabBar.select('diagrams');
  else if (file === 'archflow.json') tabBar.select('criteria');
}

function handle(message: HostToWebview): void {
  switch (message.type) {
    case 'state':
      renderState(message.state);
      break;
    case 'runProgress': {
      if (!state) break;
      const byId = new Map(message.steps.map((x) => [x.id, x]));
      state = {
        ...state,
        running: message.running,
        steps: state.steps.map((step) => {
          const live = byId.get(step.id);
          return live ? { ...step, status: live.status, reason: live.reason } : step;
        }),
      };
      renderSteps(state);
      break;
    }
    case 'reveal':
      reveal(message.file);
      break;
    case 'exportViews':
      void diagrams.exportViews(message.format, message.files);
      break;
    default:
      assertNever(message, 'host message');
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostMessage(event.data)) handle(event.data);
});

// VS Code swaps the theme classes on <body>: our diagrams follow through CSS; Mermaid's colours (other
// diagrams in documents) follow on the next render.
new MutationObserver(() => {
  if (loadedMermaid()?.configureMermaid()) documents.rerender();
}).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });

post({ type: 'ready' });
