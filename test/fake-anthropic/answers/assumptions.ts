/** What the fake model assumes where the PRD gives no target, and the question it asks the PRD owner. */
import type { Requirement } from '../../../src/core/model';

/** The target assumed for an NFR the PRD gives none for. */
export function assumedTarget(r: Requirement): string {
  switch (r.category) {
    case 'performance':
    case 'latency':
      return 'p95 < 300 ms for interactive requests';
    case 'scalability':
      return '1,000 concurrent users in the first year';
    case 'throughput':
      return '200 requests/s at peak';
    case 'availability':
      return '99.9% monthly uptime';
    case 'security':
      return 'no critical or high security finding open at release';
    case 'privacy':
      return 'deletion requests are completed within 30 days';
    case 'operability':
      return 'an incident is detected within 5 minutes';
    default:
      return 'a target will be agreed before release';
  }
}

/** The question for the PRD owner that would settle the assumed target. */
export function assumptionQuestion(r: Requirement): string {
  switch (r.category) {
    case 'performance':
    case 'latency':
      return 'what response time must the main interactions meet, at which percentile?';
    case 'scalability':
      return 'how many users and how much data must the first year carry?';
    case 'throughput':
      return 'what is the peak request rate?';
    case 'availability':
      return 'what uptime and maintenance windows are acceptable?';
    case 'security':
      return 'which roles exist and what may each one see and change?';
    case 'privacy':
      return 'which personal data is collected and how long may it be kept?';
    case 'operability':
      return 'who is on call and how fast must incidents be detected?';
    default:
      return `what target applies to ${r.id}?`;
  }
}
