/** The deployment view the fake infrastructure architect writes: two environments, nested nodes, infrastructure in front. */
import type { C4Container, C4Deployment } from '../../../src/core/model';
import { stepById } from '../../../src/core/steps';
import type { Design } from './design';

/** Where a kind of container runs: on users' devices, in the cluster, or on a managed data service. */
function placeOf(c: C4Container): 'device' | 'cluster' | 'data' {
  if (c.kind === 'webapp' || c.kind === 'mobile') return 'device';
  if (c.kind === 'database' || c.kind === 'cache' || c.kind === 'storage' || c.kind === 'queue') return 'data';
  return 'cluster';
}

/** The step's first assumption id: the provider it proposes (the PRD names none for the fake). */
export function providerAssumption(d: Design): string {
  return `A-${stepById(d.step).ids?.from ?? 1}`;
}

/** Every container of the model in production and staging; a WAF and a load balancer in front of the services. */
export function deploymentFor(d: Design): C4Deployment {
  const envs = [
    { id: 'production', name: 'Production', description: 'Live users, three availability zones' },
    { id: 'staging', name: 'Staging', description: 'Release rehearsal with anonymised data' },
  ];
  const deployment: C4Deployment = {
    environments: envs,
    nodes: [],
    infrastructure: [],
    deployments: [],
    relationships: [],
  };
  const services = d.el.containers.filter((c) => placeOf(c) === 'cluster');
  for (const e of envs) {
    const region = `${e.id}Region`;
    deployment.nodes.push(
      {
        id: region,
        environment: e.id,
        parent: null,
        name: 'Cloud region',
        technology: 'Managed cloud region',
        description: '',
        assumption: providerAssumption(d),
      },
      {
        id: `${e.id}Cluster`,
        environment: e.id,
        parent: region,
        name: 'Container cluster',
        technology: 'Managed Kubernetes',
        description: 'Private subnets',
      },
      {
        id: `${e.id}Data`,
        environment: e.id,
        parent: region,
        name: 'Data services',
        technology: 'Managed data services',
        description: 'Data subnets, no internet route',
      },
      {
        id: `${e.id}Devices`,
        environment: e.id,
        parent: null,
        name: "Users' devices",
        technology: 'Browser or mobile OS',
        description: '',
      },
    );
    const lb = `${e.id}Lb`;
    deployment.infrastructure.push(
      {
        id: `${e.id}Waf`,
        node: region,
        kind: 'waf',
        name: 'Web application firewall',
        technology: 'Managed WAF',
        description: 'Rate limits and OWASP rules',
      },
      {
        id: lb,
        node: region,
        kind: 'loadBalancer',
        name: 'Load balancer',
        technology: 'Managed application load balancer',
        description: 'Terminates TLS',
      },
    );
    deployment.relationships.push({
      from: `${e.id}Waf`,
      to: lb,
      label: 'Forwards filtered requests',
      technology: 'HTTPS',
    });
    for (const s of services.slice(0, 1))
      deployment.relationships.push({ from: lb, to: s.id, label: 'Routes API requests', technology: 'HTTPS' });
    for (const c of d.el.containers) {
      const place = placeOf(c);
      deployment.deployments.push({
        container: c.id,
        node: place === 'device' ? `${e.id}Devices` : place === 'data' ? `${e.id}Data` : `${e.id}Cluster`,
        instances:
          place === 'device'
            ? 'one per user'
            : e.id === 'production'
              ? place === 'data'
                ? '1 primary + 1 replica'
                : '2–20'
              : '1',
        size: place === 'device' ? '' : e.id === 'production' ? '2 vCPU, 4 GB' : '0.5 vCPU, 1 GB',
      });
    }
  }
  return deployment;
}
