/**
 * ELK (elkjs) run synchronously: its worker module's dispatcher is called directly instead of
 * through a Web Worker, so layout needs no worker, no blob URL and no eval (the webview's CSP allows
 * none of them), and works the same in Node. ELK layered is deterministic for a given input.
 */
// The worker module is plain CommonJS without types; its shape is declared here.
import { Worker as ElkWorker } from 'elkjs/lib/elk-worker.min.js';

/** A node of ELK's JSON graph (the subset we use). */
export interface ElkNode {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  layoutOptions?: Record<string, string>;
  children?: ElkNode[];
  edges?: ElkEdge[];
  labels?: ElkLabel[];
  ports?: ElkPort[];
}

/** A port of a node: where edges attach (a bundle's label takes its lines in at one point). */
export interface ElkPort {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  layoutOptions?: Record<string, string>;
}

export interface ElkLabel {
  text?: string;
  layoutOptions?: Record<string, string>;
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export interface ElkPoint {
  x: number;
  y: number;
}

export interface ElkEdge {
  id: string;
  sources: string[];
  targets: string[];
  labels?: ElkLabel[];
  layoutOptions?: Record<string, string>;
  sections?: { startPoint: ElkPoint; endPoint: ElkPoint; bendPoints?: ElkPoint[] }[];
}

interface Dispatcher {
  saveDispatch(event: { data: unknown }): void;
}
interface FakeWorker {
  dispatcher: Dispatcher;
  onmessage: (message: { data: { id: number; data?: unknown; error?: unknown } }) => void;
}

let worker: FakeWorker | undefined;

/** Sends one command to ELK and returns its answer (ELK answers within the call). */
function dispatch(command: Record<string, unknown>): unknown {
  if (!worker) {
    worker = new (ElkWorker as unknown as new () => FakeWorker)();
    worker.onmessage = () => undefined;
    dispatchTo(worker, { cmd: 'register', algorithms: ['layered'] });
  }
  return dispatchTo(worker, command);
}

function dispatchTo(target: FakeWorker, command: Record<string, unknown>): unknown {
  let answer: { data?: unknown; error?: unknown } | undefined;
  target.onmessage = (message) => {
    answer = message.data;
  };
  target.dispatcher.saveDispatch({ data: { id: 0, ...command } });
  if (!answer) throw new Error('ELK did not answer.');
  if (answer.error !== undefined) {
    const e = answer.error as { message?: string } | string;
    throw new Error(`ELK layout failed: ${typeof e === 'string' ? e : (e.message ?? String(e))}`);
  }
  return answer.data;
}

/** Lays out `graph` with ELK and returns it with positions (coordinates as its options ask). */
export function elkLayout(graph: ElkNode): ElkNode {
  return dispatch({ cmd: 'layout', graph, layoutOptions: {}, options: {} }) as ElkNode;
}
