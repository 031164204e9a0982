/**
 * The webview's only handle on VS Code: `acquireVsCodeApi()` may be called once per page, so this
 * module calls it and every other module goes through `post` and the UI-state helpers.
 */
import type { WebviewToHost } from '../shared/protocol';

/** What the panel remembers across hide/show and window reloads (small: no document text). */
export interface UiState {
  tab?: string;
  /** The selected diagram (PreviewDiagram.key). */
  diagram?: string;
  /** The selected element id. */
  element?: string;
  /** The document shown in the Documents tab. */
  document?: string;
  /** Zoom and pan per diagram key; `fit` follows the viewport's width. */
  views?: Record<string, { scale: number; x: number; y: number; fit: boolean }>;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState<T>(state: T): T;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

/** Posts a typed message to the extension host. */
export function post(message: WebviewToHost): void {
  api.postMessage(message);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The UI state saved by an earlier page of this panel (restored after a reload); empty when none. */
export function loadUiState(): UiState {
  const saved = api.getState();
  return isObject(saved) ? (saved as UiState) : {};
}

let current: UiState = loadUiState();

/** Merges `patch` into the saved UI state. */
export function saveUiState(patch: Partial<UiState>): void {
  current = { ...current, ...patch };
  api.setState(current);
}

/** The UI state as saved so far. */
export function uiState(): UiState {
  return current;
}
