/**
 * System errors in words: which file or folder, what went wrong (read-only, no space, not a
 * folder, permission…) and what to do. The raw code (EROFS, ENOSPC…) stays in `code`, for the log.
 */

/** What went wrong with a file or folder, as a user can act on it. */
export type FsProblemKind =
  | 'read-only'
  | 'no-space'
  | 'permission'
  | 'not-a-folder'
  | 'is-a-folder'
  | 'file-in-the-way'
  | 'too-many-files'
  | 'busy'
  | 'other';

/** What Archflow was doing with the path. */
export type FsOperation = 'read' | 'write' | 'create' | 'list' | 'remove';

const KIND_OF_CODE: Readonly<Record<string, FsProblemKind>> = {
  EROFS: 'read-only',
  ENOSPC: 'no-space',
  EDQUOT: 'no-space',
  EACCES: 'permission',
  EPERM: 'permission',
  ENOTDIR: 'not-a-folder',
  EISDIR: 'is-a-folder',
  EEXIST: 'file-in-the-way',
  EMFILE: 'too-many-files',
  ENFILE: 'too-many-files',
  EBUSY: 'busy',
  ETXTBSY: 'busy',
};

const VERB: Readonly<Record<FsOperation, string>> = {
  read: 'read',
  write: 'write',
  create: 'create',
  list: 'list the files of',
  remove: 'remove',
};

/** A file system failure, explained. `code` is the system's code, for the log only. */
export class FsError extends Error {
  constructor(
    readonly kind: FsProblemKind,
    readonly path: string,
    readonly operation: FsOperation,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'FsError';
  }

  /** The message with the system's code, as the log keeps it. */
  get logText(): string {
    return `${this.message} [${this.code ?? 'no code'} on ${this.operation} ${this.path}]`;
  }
}

/** The error of a file system call on `file` as an FsError (an FsError or a non-system error passes as it is). */
export function fsProblem(err: unknown, file: string, operation: FsOperation): Error {
  if (err instanceof FsError) return err;
  const e = err as NodeJS.ErrnoException;
  if (!(err instanceof Error) || typeof e.code !== 'string') return err instanceof Error ? err : new Error(String(err));
  const kind = KIND_OF_CODE[e.code] ?? 'other';
  const cannot = `Cannot ${VERB[operation]} ${file}`;
  const words: Record<FsProblemKind, string> = {
    'read-only': `${cannot}: the file system is read-only. Choose an output folder on a writable disk, or remount it writable, then run again.`,
    'no-space': `${cannot}: the disk is full. Free some space (or choose an output folder on another disk), then run again; files already written are intact.`,
    permission: `${cannot}: permission denied. Give your user ${operation === 'read' || operation === 'list' ? 'read' : 'write'} access to it (or choose another folder), then run again.`,
    'not-a-folder': `${cannot}: a part of its path is a file, not a folder. Move that file away or choose another output folder, then run again.`,
    'is-a-folder': `${cannot}: it is a folder where Archflow expects a file. Move the folder away, then run again.`,
    'file-in-the-way': `${cannot}: a file of that name is in the way (a folder was expected). Choose another output folder or move the file, then run again.`,
    'too-many-files': `${cannot}: too many files are open. Close other programs or raise the limit (ulimit -n), then run again.`,
    busy: `${cannot}: it is in use by another program. Close it there, then run again.`,
    other: `${cannot}: ${e.message.replace(/^[A-Z]+: /, '')}.`,
  };
  return new FsError(kind, file, operation, e.code, words[kind]);
}
