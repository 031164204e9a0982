/**
 * The only module that knows @vscode/webview-ui-toolkit (archived upstream; see
 * docs/adr/0003-webview-toolkit.md). It registers just the components the panel uses and hands out
 * small factories, so the rest of the webview never names a toolkit tag, attribute or event, and a
 * move to @vscode-elements/elements rewrites this file only.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeDropdown,
  vsCodeOption,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodePanels,
  vsCodeProgressRing,
  vsCodeTag,
} from '@vscode/webview-ui-toolkit';

let registered = false;

/** Defines the custom elements the panel uses (once per page). */
export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeBadge(),
    vsCodeButton(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodePanels(),
    vsCodePanelTab(),
    vsCodePanelView(),
    vsCodeProgressRing(),
    vsCodeTag(),
  );
}

export interface ButtonOptions {
  label: string;
  /** primary (default), secondary, or icon. */
  appearance?: 'primary' | 'secondary' | 'icon';
  ariaLabel?: string;
  title?: string;
  id?: string;
  onClick: () => void;
}

/** A button; activated by click, Enter and Space (the toolkit handles the keys). */
export function button(options: ButtonOptions): HTMLElement {
  const el = document.createElement('vscode-button');
  el.textContent = options.label;
  if (options.appearance) el.setAttribute('appearance', options.appearance);
  if (options.ariaLabel) el.setAttribute('aria-label', options.ariaLabel);
  if (options.title) el.title = options.title;
  if (options.id) el.id = options.id;
  el.addEventListener('click', () => {
    if (!isDisabled(el)) options.onClick();
  });
  return el;
}

/** Enables or disables a button made by `button`. */
export function setDisabled(el: HTMLElement, disabled: boolean): void {
  el.toggleAttribute('disabled', disabled);
}

function isDisabled(el: HTMLElement): boolean {
  return el.hasAttribute('disabled');
}

/** Marks a button of a segmented group as the selected one (for screen readers too). */
export function setPressed(el: HTMLElement, pressed: boolean): void {
  el.setAttribute('aria-pressed', String(pressed));
  el.setAttribute('appearance', pressed ? 'primary' : 'secondary');
}

export interface DropdownOption {
  value: string;
  label: string;
}

/** A single-choice dropdown that reports the chosen value. */
export interface Dropdown {
  element: HTMLElement;
  /** Replaces the options (when they changed) and selects `value`. */
  setOptions(options: readonly DropdownOption[], value: string | undefined): void;
  value(): string;
}

export function dropdown(ariaLabel: string, onChange: (value: string) => void, id?: string): Dropdown {
  const el = document.createElement('vscode-dropdown') as HTMLElement & { value: string };
  el.setAttribute('aria-label', ariaLabel);
  if (id) el.id = id;
  el.setAttribute('position', 'below');
  let signature = '';
  let muted = false;
  el.addEventListener('change', () => {
    if (!muted) onChange(el.value);
  });
  return {
    element: el,
    setOptions(options, value) {
      muted = true;
      try {
        const next = JSON.stringify(options);
        if (next !== signature) {
          signature = next;
          el.replaceChildren(
            ...options.map((o) => {
              const opt = document.createElement('vscode-option');
              opt.setAttribute('value', o.value);
              if (o.value === value) opt.setAttribute('selected', '');
              opt.textContent = o.label;
              return opt;
            }),
          );
          // New options register with the dropdown asynchronously (slotchange): until then it keeps
          // showing the old selection, so the value is set again once they have.
          if (value !== undefined) {
            queueMicrotask(() => {
              muted = true;
              try {
                if (el.value !== value) el.value = value;
              } finally {
                muted = false;
              }
            });
          }
        }
        if (value !== undefined && el.value !== value) el.value = value;
      } finally {
        muted = false;
      }
    },
    value: () => el.value,
  };
}

/** A small count or status in a tab label. */
export function badge(text: string): HTMLElement {
  const el = document.createElement('vscode-badge');
  el.textContent = text;
  return el;
}

/** A read-only label such as an ADR status. */
export function tag(text: string): HTMLElement {
  const el = document.createElement('vscode-tag');
  el.textContent = text;
  return el;
}

/** An indeterminate progress indicator with an accessible name. */
export function progressRing(label: string): HTMLElement {
  const el = document.createElement('vscode-progress-ring');
  el.setAttribute('aria-label', label);
  return el;
}

export interface TabSpec {
  id: string;
  label: string;
  content: HTMLElement;
}

/** Tabs: arrow keys move between tabs, Tab moves into the selected panel. */
export interface Tabs {
  element: HTMLElement;
  select(id: string): void;
  selected(): string;
  /** The badge shown after a tab's label (created on first use). */
  setBadge(id: string, text: string, ariaLabel: string): void;
}

export function tabs(ariaLabel: string, specs: readonly TabSpec[], onSelect: (id: string) => void): Tabs {
  const el = document.createElement('vscode-panels') as HTMLElement & { activeid: string };
  el.setAttribute('aria-label', ariaLabel);
  const tabEls = new Map<string, HTMLElement>();
  const badges = new Map<string, HTMLElement>();
  for (const spec of specs) {
    const tab = document.createElement('vscode-panel-tab');
    tab.id = `tab-${spec.id}`;
    tab.append(spec.label);
    tabEls.set(spec.id, tab);
    el.append(tab);
  }
  for (const spec of specs) {
    const view = document.createElement('vscode-panel-view');
    view.id = `view-${spec.id}`;
    view.append(spec.content);
    el.append(view);
  }
  const idOf = (tabId: string | undefined): string => (tabId ?? '').replace(/^tab-/, '');
  el.addEventListener('change', (e) => {
    // Only the panels' own change event, not a dropdown's bubbling from inside a panel.
    if (e.target === el) onSelect(idOf(el.activeid));
  });
  return {
    element: el,
    select(id) {
      if (tabEls.has(id)) el.activeid = `tab-${id}`;
    },
    selected: () => idOf(el.activeid),
    setBadge(id, text, label) {
      const tab = tabEls.get(id);
      if (!tab) return;
      let b = badges.get(id);
      if (!b) {
        b = badge(text);
        b.classList.add('tab-badge');
        badges.set(id, b);
        tab.append(' ', b);
      }
      b.textContent = text;
      b.setAttribute('aria-label', label);
    },
  };
}
