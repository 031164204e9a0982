/** The ADR index (adr/README.md), from the ADR files on disk. */
import { renderAdrIndex } from '../adr/index';
import { adrRecordsOf } from '../bundle';
import { LAYOUT } from '../steps';
import type { DerivedWriter } from './types';

/** Writes adr/README.md when there is at least one ADR. */
export const adrIndexFile: DerivedWriter = {
  name: 'ADR index',
  produce: ({ bundle }) => ({
    files: new Map(bundle.adrs.length ? [[LAYOUT.adrIndex, renderAdrIndex(adrRecordsOf(bundle))]] : []),
  }),
};
