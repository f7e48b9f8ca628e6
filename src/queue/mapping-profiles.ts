/**
 * Saved mapping profiles: an approved reading, keyed by the file's header set (and sheet layout), so the
 * next file of the same shape — tonight's Tally export, next month's clerk workbook — is read the same
 * way without a hold. They hold header names and field names only (no row data), so they are kept in
 * clear and never expire: `customer-sync mappings forget` removes one.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { mappingKeys } from './keys.js';

export const MappingProfileSchema = z.object({
  headerSet: z.string(),
  /** header as written → field, or null for a column left unused. */
  columns: z.record(z.string(), z.string().nullable()),
  savedAt: z.string(),
  /** The import whose approval saved it, and its file, for `mappings list`. */
  importId: z.string(),
  fileName: z.string(),
});
export type MappingProfile = z.infer<typeof MappingProfileSchema>;

export class MappingProfiles {
  private readonly keys: ReturnType<typeof mappingKeys>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = mappingKeys(prefix);
  }

  async save(profile: MappingProfile): Promise<void> {
    await this.redis
      .multi()
      .set(this.keys.profile(profile.headerSet), JSON.stringify(profile))
      .zadd(this.keys.index, Date.parse(profile.savedAt), profile.headerSet)
      .exec();
  }

  async get(headerSet: string): Promise<MappingProfile | null> {
    const text = await this.redis.get(this.keys.profile(headerSet));
    if (text === null) return null;
    const parsed = MappingProfileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  }

  /** Newest first. */
  async list(): Promise<MappingProfile[]> {
    const ids = await this.redis.zrevrange(this.keys.index, 0, -1);
    const profiles = await Promise.all(ids.map((id) => this.get(id)));
    return profiles.filter((p): p is MappingProfile => p !== null);
  }

  /** Accepts a unique prefix of the header-set key, as `mappings show|forget` print it. */
  async find(idOrPrefix: string): Promise<MappingProfile | null> {
    const exact = await this.get(idOrPrefix);
    if (exact) return exact;
    const ids = (await this.redis.zrevrange(this.keys.index, 0, -1)).filter((id) =>
      id.startsWith(idOrPrefix),
    );
    return ids.length === 1 && ids[0] ? this.get(ids[0]) : null;
  }

  async forget(headerSet: string): Promise<boolean> {
    const removed = await this.redis.del(this.keys.profile(headerSet));
    await this.redis.zrem(this.keys.index, headerSet);
    return removed === 1;
  }
}
