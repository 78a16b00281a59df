/** @module Reading git: revisions, files and data.lock at any commit (the only importer of isomorphic-git, loaded lazily). */
export { WORKSPACE, isWorkspace, type Revision } from './revision.js';
export { parseRevision, type ParentStep, type ParsedRevision } from './parse-revision.js';
export { resolveRevision } from './resolve-revision.js';
export { readFileAt, readFileAtRevision, type FileAtRevision } from './read-file-at-revision.js';
export { readLockAtRevision } from './read-lock-at-revision.js';
export { listBranches, listRevisions, type ListRevisionsOptions } from './list-revisions.js';
export { currentBranch } from './current-branch.js';
