/**
 * The headers of the tables code renders from the C4 model into the documents (beside the views it
 * draws): one place, so what writes them and what leaves them out of a request agree.
 */

/** Level 1: every person and system with its purpose (step 2's document). */
export const CONTEXT_TABLE_HEADER = ['Element', 'Id', 'Kind', 'Purpose'];

/** Level 2: every container (step 3's document). */
export const CONTAINER_TABLE_HEADER = ['Container', 'Id', 'Kind', 'Technology', 'Responsibility'];

/** The deployment: what runs where (step 5's document). */
export const DEPLOYMENT_TABLE_HEADER = ['Environment', 'Node', 'Container', 'Instances', 'Size'];

/** The deployment: the infrastructure on the nodes (step 5's document). */
export const INFRASTRUCTURE_TABLE_HEADER = ['Environment', 'Node', 'Infrastructure', 'Kind', 'Technology'];

/** Every table header above, as the first line of the rendered table. */
export const MODEL_TABLE_HEADERS: readonly string[] = [
  CONTEXT_TABLE_HEADER,
  CONTAINER_TABLE_HEADER,
  DEPLOYMENT_TABLE_HEADER,
  INFRASTRUCTURE_TABLE_HEADER,
].map((h) => `| ${h.join(' | ')} |`);
