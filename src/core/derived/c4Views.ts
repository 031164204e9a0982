/** The C4 views as Mermaid files (diagrams/*.mmd), one per view of a model that is consistent enough to draw. */
import { expectedViewFiles } from '../c4/viewFiles';
import { LAYOUT } from '../steps';
import type { DerivedWriter } from './types';

const DIAGRAMS = LAYOUT.c4Model.slice(0, LAYOUT.c4Model.lastIndexOf('/'));
const COMPONENT_PREFIX = LAYOUT.c4ComponentPrefix.slice(DIAGRAMS.length + 1);
const DEPLOYMENT_PREFIX = LAYOUT.c4DeploymentPrefix.slice(DIAGRAMS.length + 1);

/**
 * Writes the context, container, component and deployment views; removes component views of
 * containers no longer detailed and deployment views of environments the model no longer has.
 */
export const c4ViewFiles: DerivedWriter = {
  name: 'C4 views',
  async produce({ bundle, list }) {
    // A model file that does not parse (a hand edit) is no reason to delete a view: all stay as they are.
    if (bundle.c4 && bundle.c4Errors.length > 0) return { files: new Map<string, string>(), obsolete: [] };
    const files = bundle.c4 ? expectedViewFiles(bundle.c4) : new Map<string, string>();
    // Component views of containers no longer detailed, deployment views of environments gone.
    const obsolete = (await list(DIAGRAMS))
      .filter(
        (name) => (name.startsWith(COMPONENT_PREFIX) || name.startsWith(DEPLOYMENT_PREFIX)) && name.endsWith('.mmd'),
      )
      .map((name) => `${DIAGRAMS}/${name}`)
      .filter((rel) => !files.has(rel));
    // The one deployment view of before: the views per environment replace it.
    obsolete.push(LAYOUT.c4DeploymentLegacy);
    return { files, obsolete };
  },
};
