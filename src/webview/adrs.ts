/** The Decisions tab: every ADR with its number, status and date, and what its file lacks. */
import type { PreviewState } from '../shared/protocol';
import { adrNumber, h, listText } from './dom';
import { button, tag } from './toolkit';
import { post } from './vscodeApi';

export class AdrsView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly table: HTMLElement;
  private readonly empty: HTMLElement;

  /** `onShow` opens an ADR in the Documents tab. */
  constructor(private readonly onShow: (file: string) => void) {
    this.body = h('tbody');
    this.table = h(
      'table',
      { className: 'adr-table' },
      h('caption', { className: 'visually-hidden', text: 'Architecture decision records' }),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { text: 'No.', attrs: { scope: 'col' } }),
          h('th', { text: 'Title', attrs: { scope: 'col' } }),
          h('th', { text: 'Status', attrs: { scope: 'col' } }),
          h('th', { text: 'Date', attrs: { scope: 'col' } }),
          h('th', { attrs: { scope: 'col' } }, h('span', { className: 'visually-hidden', text: 'Actions' })),
        ),
      ),
      this.body,
    );
    this.empty = h('p', {
      className: 'muted',
      text: 'No ADRs yet: step 8 (Architecture Decision Records) writes them into adr/.',
    });
    this.element = h('section', { className: 'adrs' }, this.table, this.empty);
  }

  update(state: PreviewState): void {
    this.table.hidden = state.adrs.length === 0;
    this.empty.hidden = state.adrs.length > 0;
    this.body.replaceChildren(
      ...state.adrs.map((a) => {
        const status = a.status ?? 'unknown';
        const statusTag = tag(status);
        statusTag.classList.add(`status-${status.split(' ')[0]}`);
        return h(
          'tr',
          {},
          h('td', { className: 'num', text: adrNumber(a.number) }),
          h(
            'td',
            {},
            a.title,
            a.missing.length ? h('div', { className: 'warning', text: `Missing: ${listText(a.missing)}` }) : null,
          ),
          h('td', {}, statusTag),
          h('td', { className: 'date', text: a.date ?? '—' }),
          h(
            'td',
            { className: 'actions' },
            button({
              label: 'View',
              appearance: 'secondary',
              ariaLabel: `View ADR ${adrNumber(a.number)} in the preview`,
              onClick: () => this.onShow(a.file),
            }),
            ' ',
            button({
              label: 'Open',
              appearance: 'secondary',
              ariaLabel: `Open ${a.file} in the editor`,
              onClick: () => post({ type: 'openFile', file: a.file }),
            }),
          ),
        );
      }),
    );
  }
}
