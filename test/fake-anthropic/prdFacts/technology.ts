/** The technologies and the regulations a PRD names. */

const TECHNOLOGIES: [RegExp, string][] = [
  [/\bnext\.?js\b/i, 'Next.js'],
  [/\breact\b/i, 'React'],
  [/\bvue(?:\.js)?\b/i, 'Vue'],
  [/\bangular\b/i, 'Angular'],
  [/\bsvelte\b/i, 'Svelte'],
  [/\btypescript\b/i, 'TypeScript'],
  [/\bnode(?:\.js)?\b/i, 'Node.js'],
  [/\bpython\b/i, 'Python'],
  [/\bgo(?:lang)?\b(?=\s+(?:service|backend|1\.\d))/i, 'Go'],
  [/\bjava\b/i, 'Java'],
  [/\bpostgres(?:ql)?\b/i, 'PostgreSQL'],
  [/\bmysql\b/i, 'MySQL'],
  [/\bmongo(?:db)?\b/i, 'MongoDB'],
  [/\bredis\b/i, 'Redis'],
  [/\bkafka\b/i, 'Kafka'],
  [/\bindexeddb\b|\bidb\b/i, 'IndexedDB'],
  [/\bkubernetes\b|\bk8s\b/i, 'Kubernetes'],
  [/\bdocker\b/i, 'Docker'],
  [/\baws\b/i, 'AWS'],
  [/\bgcp\b|google cloud/i, 'Google Cloud'],
  [/\bazure\b/i, 'Azure'],
  [/\bvercel\b/i, 'Vercel'],
  [/\bgraphql\b/i, 'GraphQL'],
  [/\bwebsockets?\b/i, 'WebSocket'],
];

/** Up to six technologies the PRD names, in order of first mention. */
export function findTechnologies(text: string): string[] {
  return TECHNOLOGIES.map(([re, name]) => ({ name, at: re.exec(text)?.index ?? -1 }))
    .filter((x) => x.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((x) => x.name)
    .slice(0, 6);
}

/** Regulations recognised by name. */
export const REGULATIONS: [RegExp, string][] = [
  [/\bGDPR\b/i, 'GDPR'],
  [/\bHIPAA\b/i, 'HIPAA'],
  [/\bPCI[- ]?DSS\b/i, 'PCI DSS'],
  [/\bSOC ?2\b/i, 'SOC 2'],
  [/\bCCPA\b/i, 'CCPA'],
  [/\bISO ?27001\b/i, 'ISO 27001'],
  [/\bWCAG\b/i, 'WCAG'],
];
