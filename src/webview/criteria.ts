/**
 * The Exit criteria tab: each criterion met or not met with every reason for an unmet one (computed
 * by the host's core, never by the model), the security criterion's Resolve Security Findings button,
 * and the stakeholder approval with its button.
 */
import type { PreviewState } from '../shared/protocol';
import { h, nodes } from './dom';
import { button, setDisabled } from './toolkit';
import { post } from './vscodeApi';

const STATE_ICON = { met: '✓', unmet: '✗', 'not-yet': '…' } as const;
const STATE_TEXT = { met: 'Met', unmet: 'Not met', 'not-yet': 'Not yet' } as const;

export class CriteriaView {
  readonly element: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly list: HTMLElement;
  private readonly approvalStatus: HTMLElement;
  private readonly approveButton: HTMLElement;

  constructor() {
    this.summary = h('p', { className: 'criteria-summary', attrs: { role: 'status' } });
    this.list = h('ul', { className: 'criteria-list' });
    this.approvalStatus = h('div', { className: 'approval-status' });
    this.approveButton = button({
      label: 'Record Stakeholder Approval…',
      id: 'approve',
      onClick: () => post({ type: 'requestApproval' }),
    });
    this.element = h(
      'section',
      { className: 'criteria' },
      this.summary,
      this.list,
      h(
        'section',
        { className: 'approval', attrs: { 'aria-labelledby': 'approval-heading' } },
        h('h2', { id: 'approval-heading', text: 'Stakeholder approval' }),
        this.approvalStatus,
        this.approveButton,
      ),
    );
  }

  /** "3/5" for the tab badge, or "–" when the report is unavailable. */
  badge(state: PreviewState): { text: string; label: string } {
    if (state.exit.kind !== 'report') return { text: '–', label: 'exit criteria unavailable' };
    const met = state.exit.criteria.filter((c) => c.met).length;
    return {
      text: `${met}/${state.exit.criteria.length}`,
      label: `${met} of ${state.exit.criteria.length} exit criteria met`,
    };
  }

  /** Revises the steps the open findings name and reviews again (the host runs the command). */
  private resolveButton(state: PreviewState): HTMLElement {
    const b = button({
      label: 'Resolve Security Findings',
      id: 'resolve-findings',
      onClick: () => post({ type: 'resolveFindings' }),
    });
    setDisabled(b, state.readOnly || state.running);
    return b;
  }

  update(state: PreviewState): void {
    const exit = state.exit;
    if (exit.kind === 'unavailable') {
      this.summary.textContent = exit.message;
      this.summary.className = 'criteria-summary warning';
      this.list.replaceChildren();
    } else {
      const met = exit.criteria.filter((c) => c.met).length;
      this.summary.className = `criteria-summary ${exit.allMet ? 'ok' : ''}`;
      this.summary.textContent = exit.allMet
        ? 'All exit criteria are met: the design is complete and approved.'
        : `${met} of ${exit.criteria.length} exit criteria met.`;
      this.list.replaceChildren(
        ...exit.criteria.map((c) => {
          const shown = c.state ?? (c.met ? 'met' : 'unmet');
          return h(
            'li',
            { className: `criterion ${shown}`, attrs: { 'data-criterion': c.id, 'data-state': shown } },
            h('span', { className: 'criterion-icon', attrs: { 'aria-hidden': 'true' }, text: STATE_ICON[shown] }),
            h(
              'div',
              { className: 'criterion-body' },
              h('span', { className: 'criterion-title', text: c.title }),
              ' ',
              h('span', { className: 'criterion-state', text: STATE_TEXT[shown] }),
              !c.met && c.reasons.length
                ? h('ul', { className: 'reasons' }, ...c.reasons.map((r) => h('li', { text: r })))
                : null,
              !c.met && c.id === 'security' ? this.resolveButton(state) : null,
              c.met && c.evidence?.length
                ? h(
                    'ul',
                    { className: 'evidence', attrs: { 'aria-label': 'Evidence' } },
                    ...c.evidence.map((e) => h('li', { text: e })),
                  )
                : null,
            ),
          );
        }),
      );
    }
    const a = state.approval;
    this.approvalStatus.className = `approval-status approval-${a.status}`;
    this.approvalStatus.replaceChildren(
      ...nodes(
        h('p', { className: 'approval-message', text: a.message }),
        a.latest
          ? h(
              'p',
              { className: 'muted' },
              `Latest approval: ${a.latest.name}, ${a.latest.role}, ${a.latest.date.slice(0, 10)}`,
              a.latest.comment ? ` — “${a.latest.comment}”` : '',
            )
          : null,
        !a.canApprove && state.readOnly
          ? h('p', { className: 'muted', text: 'This workspace is not trusted, so Archflow records nothing here.' })
          : null,
      ),
    );
    setDisabled(this.approveButton, !a.canApprove);
  }
}
