/** Every derived file, in the order they are built (ARCHITECTURE.md last: it reads the others). */
import { adrIndexFile } from './adrIndex';
import { architectureFile } from './architecture';
import { c4ViewFiles } from './c4Views';
import type { DerivedWriter } from './types';

/** The writers a run ends with. A new derived file is a writer here. */
export const DERIVED_WRITERS: readonly DerivedWriter[] = [c4ViewFiles, adrIndexFile, architectureFile];
