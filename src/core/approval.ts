/** Stakeholder approval (SPEC §6): recorded in archflow.json against the hash of ARCHITECTURE.md. */
import type { Bundle } from './bundle';
import { hashText } from './hash';
import { type Approval, loadState, serializeState } from './state';
import { LAYOUT } from './steps';
import { ArtifactStore } from './store';

/** What the person approving enters. */
export interface ApprovalInput {
  name: string;
  role: string;
  comment?: string;
}

/** Input that cannot be recorded, or nothing to approve; the message says what to do. */
export class ApprovalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApprovalError';
  }
}

/** Longest accepted value per field (characters, after trimming). */
export const APPROVAL_LIMITS = { name: 100, role: 100, comment: 1000 } as const;

/**
 * Characters that would let a value spoof what is shown (C0/C1 controls, bidi overrides, line separators).
 * A comment may span lines and hold tabs; a name or role may not.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
const CONTROL_IN_COMMENT =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

/** What is wrong with one field's value, as a sentence (for an input box's validation), or undefined. */
export function approvalFieldProblem(field: keyof ApprovalInput, value: string | undefined): string | undefined {
  const raw = typeof value === 'string' ? value : '';
  const text = (field === 'comment' ? raw.replace(/\r\n?/g, '\n') : raw).trim();
  const label = field === 'name' ? 'Name' : field === 'role' ? 'Role' : 'Comment';
  if (field !== 'comment' && text === '') return `${label} is required.`;
  if (text.length > APPROVAL_LIMITS[field]) return `${label} is longer than ${APPROVAL_LIMITS[field]} characters.`;
  if ((field === 'comment' ? CONTROL_IN_COMMENT : CONTROL).test(text)) {
    return `${label} contains control characters; type it as plain text.`;
  }
  return undefined;
}

/** The input trimmed and checked; throws ApprovalError naming the first bad field. */
export function validateApprovalInput(input: ApprovalInput): ApprovalInput {
  for (const field of ['name', 'role', 'comment'] as const) {
    const problem = approvalFieldProblem(field, input[field]);
    if (problem) throw new ApprovalError(problem);
  }
  const comment = (typeof input.comment === 'string' ? input.comment : '').replace(/\r\n?/g, '\n').trim();
  return { name: input.name.trim(), role: input.role.trim(), ...(comment ? { comment } : {}) };
}

/**
 * The hash an approval is recorded against. Line endings and a byte-order mark are ignored, so a
 * checkout that converts LF to CRLF (git autocrlf) does not void an approval; every other edit does.
 */
export function architectureHash(text: string): string {
  return hashText(text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'));
}

/** An approval entry of archflow.json that has every field (the file may have been edited by hand). */
function isApproval(a: unknown): a is Approval {
  const x = a as Partial<Approval> | null;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.name === 'string' &&
    typeof x.role === 'string' &&
    typeof x.date === 'string' &&
    typeof x.documentHash === 'string'
  );
}

/** What voids an approval when nothing recorded it: an edit of the document outside Archflow. */
export const HAND_EDIT_VOIDING = `${LAYOUT.architecture} edited by hand`;

/** The approval entries of a state that have every field. */
export function approvalsOf(state: { approvals?: unknown }): Approval[] {
  return Array.isArray(state.approvals) ? state.approvals.filter(isApproval) : [];
}

/** Role names compare without case and surrounding spaces ("security lead" meets "Security lead"). */
function sameRole(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The required roles as a clean list (trimmed, no empties, no repeats). */
export function requiredRoles(roles: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const r of roles ?? []) {
    const t = typeof r === 'string' ? r.trim() : '';
    if (t && !out.some((o) => sameRole(o, t))) out.push(t);
  }
  return out;
}

/** What an approval that no longer counts was voided by, and when (undefined date: not recorded yet). */
export interface VoidedApproval {
  approval: Approval;
  by: string;
  date?: string;
}

export interface ApprovalStatus {
  /** The latest approval of ARCHITECTURE.md as it is now. */
  current?: Approval;
  /** The latest approval when it no longer counts (the document changed, or is gone). */
  voided?: Approval;
  /** What voided `voided` (the recorded voiding, or a hand edit Archflow has not recorded yet). */
  voidedBy?: VoidedApproval;
  /** Every approval of the current content, oldest first. */
  approvals: Approval[];
  /** Required roles without an approval of the current content (empty when none is required). */
  missingRoles: string[];
}

/**
 * The approvals of ARCHITECTURE.md as it is now, the latest one that no longer counts (and what voided
 * it), and the required roles still missing. An approval counts when it was given for the current hash
 * and nothing recorded a voiding of it.
 */
export function approvalStatus(bundle: Bundle, required: readonly string[] = []): ApprovalStatus {
  const all = approvalsOf(bundle.state);
  const now = bundle.architecture === undefined ? undefined : architectureHash(bundle.architecture);
  const counts = (a: Approval): boolean => a.documentHash === now && !a.voided;
  const approvals = all.filter(counts);
  const roles = requiredRoles(required);
  const missingRoles = roles.filter((r) => !approvals.some((a) => sameRole(a.role, r)));
  const latest = all[all.length - 1];
  if (!latest) return { approvals, missingRoles };
  if (counts(latest)) return { current: latest, approvals, missingRoles };
  const voidedBy: VoidedApproval = latest.voided
    ? { approval: latest, by: latest.voided.by, date: latest.voided.date }
    : { approval: latest, by: now === undefined ? `${LAYOUT.architecture} deleted` : HAND_EDIT_VOIDING };
  return { current: approvals[approvals.length - 1], voided: latest, voidedBy, approvals, missingRoles };
}

/** "approval voided by <what> on <date>", the words every host shows after a voiding. */
export function voidingText(v: VoidedApproval): string {
  return `approval voided by ${v.by}${v.date ? ` on ${v.date.slice(0, 10)}` : ''}`;
}

/**
 * Marks every approval that still stands but was given for another content than `documentHash`
 * (undefined: the document is gone) as voided by `by` at `date`. Returns the approvals it voided.
 */
export function voidStaleApprovals(
  state: { approvals: Approval[] },
  documentHash: string | undefined,
  by: string,
  date: Date,
): Approval[] {
  const voided: Approval[] = [];
  for (const a of state.approvals) {
    if (!isApproval(a) || a.voided || a.documentHash === documentHash) continue;
    a.voided = { by, date: date.toISOString() };
    voided.push(a);
  }
  return voided;
}

/**
 * Records an approval of ARCHITECTURE.md as it is now: validates the input, appends name, role, comment,
 * date and the document's hash to archflow.json (written atomically) and returns the approval.
 */
export async function recordApproval(
  outputDir: string,
  input: ApprovalInput,
  now: Date = new Date(),
): Promise<Approval> {
  const clean = validateApprovalInput(input);
  const store = new ArtifactStore(outputDir);
  const document = await store.read(LAYOUT.architecture);
  if (document === undefined) {
    throw new ApprovalError(
      `There is no ${LAYOUT.architecture} in ${outputDir} to approve. Run the workflow first: it assembles the document.`,
    );
  }
  const state = await loadState(store);
  const approval: Approval = {
    name: clean.name,
    role: clean.role,
    ...(clean.comment ? { comment: clean.comment } : {}),
    date: now.toISOString(),
    documentHash: architectureHash(document),
  };
  // A hand edit since the last approval voided it: the history says so before the new approval.
  voidStaleApprovals(state, approval.documentHash, HAND_EDIT_VOIDING, now);
  state.approvals = [...(Array.isArray(state.approvals) ? state.approvals : []), approval];
  state.updatedAt = now.toISOString();
  await store.write(LAYOUT.state, serializeState(state));
  return approval;
}
