/**
 * Every Redis key name of the queue area, built here and nowhere else. All start with the deployment's
 * `REDIS_PREFIX` (hash-tagged, so one deployment's keys share a Cluster slot); BullMQ's own keys live
 * under the same prefix. The EnKash client's keys are src/enkash/keys.ts; the watched folder's,
 * src/watch/ledger.ts; the nightly jobs', src/schedule/run-store.ts.
 */

/** An import's state, per import id, and the index of all imports. */
export function importKeys(prefix: string) {
  return {
    /** Hash: the import's meta (src/queue/import-store.ts). */
    meta: (importId: string) => `${prefix}:import:${importId}`,
    /** Hash: row number → sealed row result. */
    results: (importId: string) => `${prefix}:import:${importId}:results`,
    /** Hash: row number → sealed RowDiff, what the row's job wrote (src/queue/diff-store.ts). */
    diffs: (importId: string) => `${prefix}:import:${importId}:diffs`,
    /** ZSET: import ids by creation time. */
    index: `${prefix}:imports`,
    /** String: the import under way for these bytes with these options (src/sync/import-service.ts). */
    activeFile: (fileHash: string, optionsHash: string) => `${prefix}:active-file:${fileHash}:${optionsHash}`,
    /** String: who is approving or remapping a held import right now (src/sync/import-service.ts). */
    review: (importId: string) => `${prefix}:import:${importId}:review`,
  };
}

/** Saved mapping profiles (src/queue/mapping-profiles.ts): header names only, kept until forgotten. */
export function mappingKeys(prefix: string) {
  return {
    /** String: one profile as JSON, per header-set key. */
    profile: (headerSet: string) => `${prefix}:mapping:${headerSet}`,
    /** ZSET: header-set keys by the time they were saved. */
    index: `${prefix}:mappings`,
  };
}

/** One EnKash account's namespace: what we know of its customers is kept apart from other accounts'. */
export function accountNamespace(prefix: string, accountHash: string): string {
  return `${prefix}:acct:${accountHash}`;
}

/** Per match key (hashed) within an account namespace (or any namespace a test picks). */
export function customerKeys(namespace: string) {
  return {
    /** String: `{ customerId, fingerprint }` of what was last sent (src/queue/customer-registry.ts). */
    fingerprint: (keyHash: string) => `${namespace}:fp:${keyHash}`,
    /** String: a create for this key is in flight. */
    creating: (keyHash: string) => `${namespace}:creating:${keyHash}`,
    /** String: the run of a row job that holds this customer (src/queue/key-lock.ts). */
    lock: (keyHash: string) => `${namespace}:lock:${keyHash}`,
  };
}
