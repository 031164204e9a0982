/** Step 6, Security Review: threat model, controls, findings (one high, mitigated) and a passing verdict. */
import type { Finding, SecurityReview } from '../../../src/core/model';
import { stepById } from '../../../src/core/steps';
import { ADDITIONS_SECTION } from '../../../src/core/steps';
import { additionsFor } from './additions';
import type { Design } from './design';
import { assemble, bullets, code, jsonBlock, listText, perfLine } from './markdown';

/** Step 6's document. */
export function step6(d: Design): string {
  const el = d.el;
  const sec = d.security?.id ?? d.nfrs[0]?.id ?? 'NFR-1';
  const perf = d.perf[0]?.id;
  const apiId = el.api?.id ?? el.system.id;
  // Evidence points at the service design's contracts, which name the bearer tokens (step 3's answer).
  const services = stepById(3).document;
  const findings: Finding[] = [
    {
      id: 'SEC-1',
      severity: 'high',
      title: 'Stolen access tokens could be replayed against the API',
      element: apiId,
      stride: 'Spoofing',
      recommendation:
        'Short-lived access tokens (15 min) validated on every request, rotating refresh tokens, revocation on logout',
      status: 'mitigated',
      evidence: `${services} › API Contracts`,
      requirements: [sec],
    },
    {
      id: 'SEC-2',
      severity: 'medium',
      title: 'Public endpoints have no per-client rate limit',
      element: el.web?.id ?? apiId,
      stride: 'Denial of service',
      recommendation: 'Rate-limit per token and per IP at the gateway; return 429 with Retry-After',
      status: 'open',
      steps: [3, 5],
      requirements: perf ? [sec, perf] : [sec],
    },
    {
      id: 'SEC-3',
      severity: 'medium',
      title: 'Backups are encrypted with a provider-managed key only',
      element: el.db?.id ?? el.system.id,
      stride: 'Information disclosure',
      recommendation: 'Use a customer-managed KMS key for the database and its snapshots',
      status: 'open',
      steps: [4, 5],
      requirements: [sec],
    },
    {
      id: 'SEC-4',
      severity: 'low',
      title: 'Administrative actions are not yet in the audit log',
      element: null,
      stride: 'Repudiation',
      recommendation: 'Write an append-only audit event for every role change and data export',
      status: 'open',
      steps: [3],
      requirements: [sec],
    },
  ];
  const ext = el.externals[0];
  if (ext) {
    findings.push({
      id: 'SEC-5',
      severity: 'low',
      title: `Callbacks from ${ext.name} are not yet signature-checked`,
      element: ext.id,
      stride: 'Tampering',
      recommendation: `Verify ${ext.name} request signatures and reject replays older than 5 minutes`,
      status: 'open',
      steps: [3],
      requirements: [sec],
    });
  }
  const review: SecurityReview = { verdict: 'pass', findings };
  const stride = el.containers.length > 0 ? el.containers : [el.system];
  return assemble(6, `Security Architecture — ${d.product}`, {
    Summary: [
      `The design of ${d.product} passes the security review: ${findings.length} findings, none critical, one high (SEC-1) already mitigated by the token design of ${code(apiId)}.`,
      `Open items are medium or low and have owners. Security requirement: ${sec}.`,
      perfLine(d),
    ].join('\n'),
    'Threat Model': [
      `Trust boundaries: the internet ↔ load balancer; ${code(el.api?.id)} ↔ data subnets; ${code(el.system.id)} ↔ ${listText(el.externals.map((x) => code(x.id)))}.`,
      '',
      '| Element | Main STRIDE threats | Control |',
      '|---|---|---|',
      ...stride.map(
        (c) =>
          `| ${code(c.id)} | ${strideFor('kind' in c ? c.kind : 'other')} | ${controlFor('kind' in c ? c.kind : 'other')} |`,
      ),
      '',
      `Data classification: account and personal data confidential; ${d.frs[0]?.title ?? 'domain'} data internal.`,
    ].join('\n'),
    'Security Controls': bullets([
      `**Authentication:** OIDC with ${el.externals.find((x) => /identity|auth|okta/i.test(x.name))?.name ?? 'a managed identity provider'}; MFA for administrators (${sec}).`,
      `**Authorization:** role-based (${listText(el.people.map((p) => p.name))}), checked in ${code(apiId)} on every request; tenant id on every row.`,
      '**Secrets:** cloud secret manager, rotated every 90 days, never in images or logs.',
      '**Encryption:** TLS 1.2+ everywhere; encryption at rest for every data store.',
      '**Input validation:** schema validation at the API edge; parameterised SQL only.',
      '**Supply chain:** lockfiles, dependency scanning in CI, signed images.',
      d.facts.regulations.length > 0
        ? `**Compliance:** ${listText(d.facts.regulations)} duties mapped to the controls of this section.`
        : '**Compliance:** no regulation named in the PRD (assumption).',
    ]),
    Findings: jsonBlock('archflow-findings', review),
    Verdict: [
      'Verdict: pass',
      '',
      `Open critical and high findings: none (SEC-1, high, is mitigated by the bearer tokens of \`${services}\` › API Contracts). Accepted findings: none.`,
    ].join('\n'),
    [ADDITIONS_SECTION]: additionsFor(d),
  });
}

function strideFor(kind: string): string {
  switch (kind) {
    case 'webapp':
    case 'mobile':
      return 'Spoofing, tampering (XSS)';
    case 'service':
    case 'function':
      return 'Spoofing, elevation of privilege, denial of service';
    case 'database':
    case 'storage':
      return 'Information disclosure, tampering';
    case 'queue':
    case 'cache':
      return 'Tampering, information disclosure';
    default:
      return 'Spoofing, information disclosure';
  }
}

function controlFor(kind: string): string {
  switch (kind) {
    case 'webapp':
    case 'mobile':
      return 'Strict CSP, HttpOnly cookies';
    case 'service':
    case 'function':
      return 'Token validation, RBAC, rate limits';
    case 'database':
    case 'storage':
      return 'Private subnet, encryption at rest, least-privilege roles';
    case 'queue':
    case 'cache':
      return 'Private subnet, TLS, auth tokens';
    default:
      return 'TLS, authentication';
  }
}
