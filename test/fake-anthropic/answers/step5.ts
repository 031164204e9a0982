/** Step 5, Infrastructure: platform, network, scaling, deployment and a cost range. */
import type { C4Container } from '../../../src/core/model';
import { ADDITIONS_SECTION } from '../../../src/core/steps';
import { additionsFor } from './additions';
import type { Design } from './design';
import { deploymentFor } from './deployment';
import { assemble, bullets, code, jsonBlock, listText, perfLine } from './markdown';

/** Step 5's document. */
export function step5(d: Design): string {
  const el = d.el;
  const scal = d.perf.find((r) => r.category === 'scalability');
  const avail = d.perf.find((r) => r.category === 'availability');
  const services = el.containers.filter((c) => c.kind === 'service' || c.kind === 'webapp');
  return assemble(5, `Infrastructure Architecture — ${d.product}`, {
    Summary: [
      `${d.product} runs on a managed container platform in one region across three availability zones, with a managed ${el.db?.technology ?? 'PostgreSQL'} for ${code(el.db?.id)}.`,
      `Stateless containers (${services.map((c) => code(c.id)).join(', ')}) scale horizontally; data stores are managed services with multi-AZ replicas.`,
      perfLine(d),
    ].join('\n'),
    'Platform and Environments': bullets([
      'Managed Kubernetes (or an equivalent container service) in one region, three availability zones; the provider is an assumption until the PRD owner confirms.',
      '`dev` (per-branch previews), `staging` (production-like, anonymised data) and `production`.',
      `Managed data services: ${[el.db, el.cache, el.queue, el.storage]
        .filter((c): c is C4Container => c !== undefined)
        .map((c) => `${code(c.id)} (${c.technology})`)
        .join(', ')}.`,
    ]),
    'Network and Security Groups': bullets([
      `Public subnets hold only the load balancer and WAF in front of ${code(el.web?.id)} and ${code(el.api?.id)}.`,
      `Private subnets hold the services; data subnets hold ${code(el.db?.id)}${el.cache ? ` and ${code(el.cache.id)}` : ''} with no internet route.`,
      `Security groups: load balancer → ${code(el.api?.id)} on 443; ${code(el.api?.id)} and ${code(el.worker?.id)} → ${code(el.db?.id)} on 5432; nothing else reaches the data subnets.`,
      `Egress to ${listText(el.externals.map((x) => code(x.id)))} goes through a NAT gateway with an allow-list.`,
    ]),
    'Scaling and High Availability': [
      '| Container | Scales on | Min–max |',
      '|---|---|---|',
      ...services.map(
        (c) =>
          `| ${code(c.id)} | ${c.id === el.worker?.id ? 'queue depth' : 'CPU 60% and p95 latency'} | ${c.id === el.worker?.id ? '1–10' : '2–20'} |`,
      ),
      `| ${code(el.db?.id)} | vertical + read replicas | 1 primary, 2 replicas |`,
      '',
      `At least two instances per service across zones give ${avail?.id ?? 'availability'}${avail?.target ? ` (${avail.target})` : ''}; autoscaling covers ${scal?.id ?? 'growth'}${scal?.target ? ` (${scal.target})` : ''}; ${d.perf[0]?.id ?? 'latency'} is protected by the cache and by keeping slow work on the worker.`,
    ].join('\n'),
    'Deployment Architecture': [
      `The deployment view: production and staging, each container of ${code(el.system.id)} on its node, the firewall and load balancer in front.`,
      '',
      jsonBlock('archflow-deployment', deploymentFor(d)),
      '',
      bullets([
        'Infrastructure as code (Terraform) in the same repository; every change is planned in CI and applied after review.',
        'CI builds one container image per service, scans it, and deploys to staging automatically.',
        'Production releases are canaries (10% for 15 minutes, automatic rollback on SLO burn) with database migrations in expand/contract form.',
        'Configuration comes from environment variables; secrets from the cloud secret manager, never from images.',
      ]),
    ].join('\n'),
    'Cost Estimate': [
      'Rough monthly range for production, assuming the load of the NFR targets (or the assumptions of step 1):',
      '',
      '| Item | Monthly (USD) |',
      '|---|---|',
      '| Container platform (4–8 vCPU) | 300–700 |',
      `| ${code(el.db?.id)} multi-AZ with replicas | 400–900 |`,
      '| Cache, queue, storage, egress | 150–400 |',
      '| Observability | 100–300 |',
      '| **Total** | **950–2,300** |',
      '',
      'Staging adds about 30%. The range is an assumption to confirm with the PRD owner.',
    ].join('\n'),
    [ADDITIONS_SECTION]: additionsFor(d),
  });
}
