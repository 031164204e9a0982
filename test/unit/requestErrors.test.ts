/** A refused request names what the API said; only a request the API calls too large is told to shrink the PRD. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { cliErrorText } from '../../src/cli/messages';
import { mapError } from '../../src/core/llm/anthropicClient';
import { vscodeErrorText } from '../../src/vscode/messages';

function apiError(status: number, type: string, message: string): Error {
  return Anthropic.APIError.generate(status, { type: 'error', error: { type, message } }, undefined, new Headers());
}

test('a 400 about something else names the API words and suggests no shortening', () => {
  const err = mapError(apiError(400, 'invalid_request_error', 'messages.1.content: Input should be a valid list'));
  assert.equal(err.kind, 'bad-request');
  assert.match(
    err.message,
    /refused the request \(400\)\. The API said: messages\.1\.content: Input should be a valid list\./,
  );
  for (const text of [cliErrorText(err), vscodeErrorText(err)]) assert.doesNotMatch(text, /shorten|split/i);
});

test('a request the API calls too large is told to shorten or split the PRD, in each host', () => {
  for (const err of [
    mapError(apiError(400, 'invalid_request_error', 'prompt is too long: 251234 tokens > 200000 maximum')),
    mapError(apiError(413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes')),
  ]) {
    assert.equal(err.kind, 'too-large');
    assert.match(err.message, /too large for the model \(4\d\d\)\. The API said: /);
    for (const text of [cliErrorText(err), vscodeErrorText(err)]) assert.match(text, /Shorten the PRD or split it/);
  }
});
