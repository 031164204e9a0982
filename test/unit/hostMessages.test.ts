/**
 * Each host words the core's problems its own way: the core gives the cause and a kind, the
 * extension names its commands and settings, the CLI its flags and environment.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliCriterionReasons, cliErrorText } from '../../src/cli/messages';
import type { CriterionResult } from '../../src/core/exitCriteria';
import { LlmError } from '../../src/core/llm/types';
import { PrdError } from '../../src/core/prd';
import { StateError, parseState } from '../../src/core/state';
import { StepError } from '../../src/core/stepError';
import { resolvedText, vscodeCriterionReasons, vscodeErrorText } from '../../src/vscode/messages';

const API = { provider: 'the Anthropic API' };

/** The approval criterion as the core reports it before anyone approved. */
const UNMET_APPROVAL: CriterionResult = {
  id: 'approval',
  title: 'Stakeholder approval obtained',
  met: false,
  reasons: ['No stakeholder approval is recorded for ARCHITECTURE.md'],
  action: 'record-approval',
};

function stateError(): StateError {
  try {
    parseState('{ not json');
  } catch (err) {
    if (err instanceof StateError) return err;
  }
  throw new Error('parseState accepted broken JSON');
}

void describe('the core says the cause only', () => {
  void it('names no command, setting or flag, and keeps the facts', () => {
    const auth = new LlmError('auth', { ...API, status: 401, apiMessage: 'invalid x-api-key' });
    assert.equal(auth.message, 'The Anthropic API rejected the API key (401). The API said: invalid x-api-key.');
    const limited = new LlmError('rate-limit', { ...API, status: 429, retryAfterSec: 3 }).with({ attempts: 3 });
    assert.equal(
      limited.message,
      'The Anthropic API rate limit was reached (429). Archflow waited and retried. (gave up after 3 attempts)',
    );
    assert.equal(limited.retryAfterSec, 3);
    assert.equal(limited.facts.attempts, 3);
    assert.equal(stateError().kind, 'invalid-json');
    assert.match(stateError().message, /^archflow\.json is not valid JSON \(.+\)\.$/);
  });
});

void describe('the extension', () => {
  void it('points to its commands and settings', () => {
    assert.match(
      vscodeErrorText(new LlmError('auth', { ...API, status: 401 })),
      /rejected the API key \(401\)\. Set a valid key with "Archflow: Set API Key" or the ANTHROPIC_API_KEY environment variable\.$/,
    );
    assert.match(
      vscodeErrorText(
        new LlmError(
          'max-tokens',
          { ...API, limit: 16000 },
          'The answer for Step 1 — Context Analysis was cut off at the output limit (16000 tokens).',
        ),
      ),
      /cut off at the output limit \(16000 tokens\)\. Raise archflow\.maxTokens and run the step again\.$/,
    );
    assert.match(
      vscodeErrorText(new LlmError('rate-limit', API).with({ attempts: 4 })),
      /\(gave up after 4 attempts\) Wait a minute or lower archflow\.concurrency/,
    );
    assert.match(
      vscodeErrorText(new LlmError('network', { ...API, cause: 'ECONNREFUSED' })),
      /\(ECONNREFUSED\)\. .*archflow\.anthropic\.baseUrl/,
    );
    assert.match(
      vscodeErrorText(new LlmError('not-found', { ...API, status: 404 })),
      /archflow\.model setting and archflow\.anthropic\.baseUrl/,
    );
    assert.match(
      vscodeErrorText(new StepError(2, 'malformed', 'The answer did not follow the format. Run the step again.')),
      /Run the step again\. If it keeps failing, check a prompt override in \.archflow\/prompts\/\.$/,
    );
    assert.match(
      vscodeErrorText(stateError()),
      /run "Archflow: Reset Run" to start the run state afresh \(documents are kept\)\.$/,
    );
  });

  void it('adds its command to the approval criterion, and nothing to other reasons', () => {
    assert.deepEqual(vscodeCriterionReasons(UNMET_APPROVAL), [
      'No stakeholder approval is recorded for ARCHITECTURE.md (command "Archflow: Record Stakeholder Approval")',
    ]);
    const other: CriterionResult = {
      id: 'security',
      title: 'Security review passed',
      met: false,
      reasons: ['SEC-1 (high, open)'],
    };
    assert.deepEqual(vscodeCriterionReasons(other), other.reasons);
  });
});

void describe('the CLI', () => {
  void it('points to its flags and environment, and to the extension where that is the remedy', () => {
    assert.match(
      cliErrorText(new LlmError('auth', { ...API, status: 401 })),
      /rejected the API key \(401\)\. Export a valid key as ANTHROPIC_API_KEY \(in VS Code: "Archflow: Set API Key"\)/,
    );
    assert.match(
      cliErrorText(new LlmError('max-tokens', { ...API, limit: 2048 })),
      /cut off at the output limit \(2048 tokens\)\. Raise --max-tokens \(archflow\.maxTokens in VS Code\)/,
    );
    assert.match(cliErrorText(new LlmError('rate-limit', API)), /lower --concurrency/);
    assert.match(cliErrorText(new LlmError('network', API)), /ANTHROPIC_BASE_URL/);
    assert.match(
      cliErrorText(new StepError(3, 'prerequisites', 'Run Step 1 — Context Analysis first.', { missing: [1] })),
      /first\. Or pass --with-prerequisites to run them too\.$/,
    );
    assert.match(
      cliErrorText(new StepError(2, 'malformed', 'Bad. Run the step again.')),
      /--prompts folder \(default \.archflow\/prompts\/\)/,
    );
  });

  void it('prints the approval criterion as it always has', () => {
    assert.deepEqual(cliCriterionReasons(UNMET_APPROVAL), [
      'No stakeholder approval is recorded for ARCHITECTURE.md (command "Archflow: Record Stakeholder Approval", or `archflow approve`)',
    ]);
  });

  void it('leaves a message that needs no remedy as the core wrote it', () => {
    const prd = new PrdError('PRD.md is empty. Write the product requirements first, then run again.');
    assert.equal(cliErrorText(prd), prd.message);
    assert.equal(vscodeErrorText(prd), prd.message);
    assert.equal(cliErrorText('plain text'), 'plain text');
    const overloaded = new LlmError('overloaded', { ...API, status: 529 });
    assert.equal(cliErrorText(overloaded), overloaded.message);
  });
});

describe('the end of Resolve Security Findings in words (notification and @architect /resolve)', () => {
  const round = { round: 1, revised: [3, 4, 6] as const, findingsBefore: ['SEC-9'], findingsAfter: [] };
  it('names the rounds, what was resolved and what is open, and the tokens', () => {
    const t = resolvedText({
      verdict: 'pass',
      rounds: [{ ...round, revised: [...round.revised] }],
      resolved: ['SEC-9'],
      open: [],
      usage: { inputTokens: 103664, outputTokens: 921 },
    });
    assert.deepEqual(t, {
      verdict: 'the security review passes after 1 round',
      resolved: 'SEC-9',
      open: 'none',
      tokens: '103,664 input and 921 output tokens',
    });
  });
  it('says the review still fails, with the findings still open', () => {
    const t = resolvedText({
      verdict: 'fail',
      rounds: [
        { ...round, revised: [3], findingsAfter: ['SEC-9'] },
        { ...round, round: 2, revised: [], findingsAfter: ['SEC-9'] },
      ],
      resolved: [],
      open: ['SEC-9', 'SEC-10'],
      usage: { inputTokens: 0, outputTokens: 0 },
    });
    assert.equal(t.verdict, 'the security review still fails after 2 rounds');
    assert.equal(t.resolved, 'none');
    assert.equal(t.open, 'SEC-9, SEC-10');
  });
  it('says the tokens are unknown where the provider does not report them', () => {
    const t = resolvedText({
      verdict: 'pass',
      rounds: [{ round: 1, revised: [3, 6], findingsBefore: ['SEC-9'], findingsAfter: [] }],
      resolved: ['SEC-9'],
      open: [],
      usage: { inputTokens: 0, outputTokens: 0 },
      usageUnknown: true,
    });
    assert.equal(t.tokens, "tokens unknown (VS Code's language models do not report them)");
  });
});
