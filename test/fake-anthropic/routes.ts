/** Which handler answers which path: the Messages API, count_tokens, the control endpoints, else a 404 in the API's shape. */
import type * as http from 'node:http';
import { handleControl } from './control';
import { sendError } from './json';
import { handleMessages } from './messages';
import type { FakeServerState } from './state';

/** The server's request listener; a handler that throws becomes a 500 (or a dropped stream once headers went out). */
export function createRoutes(state: FakeServerState): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const run = async (): Promise<void> => {
      if (path.startsWith('/_control/')) return handleControl(state, req, res, path, url.searchParams);
      if (path === '/v1/messages' && req.method === 'POST') return handleMessages(state, req, res, false);
      if (path === '/v1/messages/count_tokens' && req.method === 'POST') return handleMessages(state, req, res, true);
      req.resume();
      sendError(res, state.nextRequestId(), 404, 'not_found_error', `Not found: ${req.method} ${path}`);
    };
    run().catch((err: unknown) => {
      if (!res.headersSent)
        sendError(res, 'req_fake_error', 500, 'api_error', `Fake server failure: ${(err as Error).message}`);
      else res.destroy();
    });
  };
}
