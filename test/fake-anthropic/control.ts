/** The control endpoints under /_control/: set, list and clear faults, read the request log, reset, health. */
import type * as http from 'node:http';
import { parseFaultRules } from './faults';
import { readBody } from './incoming';
import { sendJson } from './json';
import type { FakeServerState } from './state';

/** Answers one control request. */
export async function handleControl(
  state: FakeServerState,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (path === '/_control/faults' && method === 'POST') {
    const { text } = await readBody(req);
    try {
      state.faults.set(parseFaultRules(JSON.parse(text)));
    } catch (err) {
      return sendJson(res, 400, { ok: false, error: (err as Error).message });
    }
    return sendJson(res, 200, { ok: true, faults: state.faults.list() });
  }
  if (path === '/_control/faults' && method === 'DELETE') {
    state.faults.clear();
    return sendJson(res, 200, { ok: true });
  }
  if (path === '/_control/faults' && method === 'GET') return sendJson(res, 200, state.faults.list());
  if (path === '/_control/requests' && method === 'GET') {
    const withBodies = query.get('bodies') !== '0';
    return sendJson(
      res,
      200,
      state.requests.map((r) => (withBodies ? r : { ...r, body: undefined })),
    );
  }
  if (path === '/_control/reset' && method === 'POST') {
    state.reset();
    return sendJson(res, 200, { ok: true });
  }
  if (path === '/_control/health' && method === 'GET') return sendJson(res, 200, { ok: true });
  return sendJson(res, 404, { ok: false, error: `No control endpoint ${method} ${path}` });
}
