/** ARCHITECTURE.md, assembled from the step documents with the exit criteria as they stand. */
import { assembleArchitecture } from '../assemble';
import { evaluateExitCriteria, renderExitCriteria } from '../exitCriteria';
import { LAYOUT } from '../steps';
import type { DerivedWriter } from './types';

/** Writes ARCHITECTURE.md (always: it says what is missing). */
export const architectureFile: DerivedWriter = {
  name: LAYOUT.architecture,
  produce: ({ bundle, view, prdName }) => ({
    files: new Map([
      [
        LAYOUT.architecture,
        assembleArchitecture(bundle, {
          prdName,
          exitCriteria: renderExitCriteria(evaluateExitCriteria(bundle, view)),
        }),
      ],
    ]),
  }),
};
