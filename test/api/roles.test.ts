/**
 * Keys with a name and a role: an uploader sees only its own imports, a viewer sees everything and
 * changes nothing, Bull Board is read-only below admin, every import records its submitter, and the logs
 * name the key, never show it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { parseApiKeys } from '../../src/domain/api-keys.js';
import { FailureBrake } from '../../src/api/auth.js';
import { eventually } from '../helpers/engine.js';
import { syntheticCsv } from '../helpers/synthetic-customers.js';
import { callAs, roleKeys, startApi, type ApiHarness } from './helpers.js';

const { keys, apiKeys } = roleKeys();

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ env: { LOG_LEVEL: 'info' }, server: { apiKeys } });
});
afterAll(async () => api?.close());

const as = (key: string, path: string, init: RequestInit = {}) => callAs(api, key, path, init);

function upload(key: string, content: string, name: string) {
  const form = new FormData();
  form.append('file', new Blob([content]), name);
  return as(key, '/imports', { method: 'POST', body: form });
}

describe('API keys with roles', () => {
  it('keeps an uploader to its own imports and a viewer to reading', async () => {
    const mine = await upload(keys.alice, syntheticCsv(3, 71, 100), 'alice.csv');
    expect(mine.status).toBe(202);
    const { importId } = (await mine.json()) as { importId: string };

    const seen = (await (await as(keys.alice, `/imports/${importId}`)).json()) as { submittedBy: string };
    expect(seen.submittedBy).toBe('alice');
    // Bob can neither see, download, cancel nor retry it: to him it does not exist.
    expect((await as(keys.bob, `/imports/${importId}`)).status).toBe(404);
    expect((await as(keys.bob, `/imports/${importId}/summary.json`)).status).toBe(404);
    expect((await as(keys.bob, `/imports/${importId}`, { method: 'DELETE' })).status).toBe(404);
    const bobList = (await (await as(keys.bob, '/imports')).json()) as { imports: { id: string }[] };
    expect(bobList.imports.map((i) => i.id)).not.toContain(importId);
    const aliceList = (await (await as(keys.alice, '/imports')).json()) as { imports: { id: string }[] };
    expect(aliceList.imports.map((i) => i.id)).toContain(importId);

    // The viewer sees it, and may change nothing.
    expect((await as(keys.viewer, `/imports/${importId}`)).status).toBe(200);
    const viewerList = (await (await as(keys.viewer, '/imports')).json()) as { imports: { id: string }[] };
    expect(viewerList.imports.map((i) => i.id)).toContain(importId);
    const refused = await upload(keys.viewer, syntheticCsv(2, 72, 200), 'viewer.csv');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('auditor');
    expect((await as(keys.viewer, `/imports/${importId}`, { method: 'DELETE' })).status).toBe(403);
    expect((await as(keys.viewer, `/imports/${importId}/retry-failed`, { method: 'POST' })).status).toBe(403);

    // Bob uploading the same bytes joins Alice's import, and may then see it.
    const same = await upload(keys.bob, syntheticCsv(3, 71, 100), 'same.csv');
    const joined = (await same.json()) as { importId: string; duplicate: boolean };
    if (joined.duplicate) {
      expect(joined.importId).toBe(importId);
      expect((await as(keys.bob, `/imports/${importId}`)).status).toBe(200);
    }
    await eventually(
      async () => {
        const view = (await (await as(keys.admin, `/imports/${importId}`)).json()) as { state: string };
        return ['done', 'failed', 'cancelled'].includes(view.state) ? view : undefined;
      },
      60_000,
      'the import to end',
    );

    // The logs name the keys and never show them.
    const logs = api.h.logs.join('');
    expect(logs).toContain('"keyName":"alice"');
    expect(logs).toContain('"keyName":"auditor"');
    for (const key of Object.values(keys)) expect(logs).not.toContain(key);
  });

  it('lets only an admin change queues in Bull Board; a viewer reads it; an uploader is refused', async () => {
    const pause = '/admin/queues/api/queues/rows/pause';
    expect((await as(keys.viewer, '/admin/queues/api/queues')).status).toBe(200);
    expect((await as(keys.viewer, pause, { method: 'PUT' })).status).toBe(403);
    expect((await as(keys.alice, '/admin/queues/api/queues')).status).toBe(403);
    expect((await as(keys.alice, pause, { method: 'PUT' })).status).toBe(403);
    expect(await api.h.app.queues.rows.isPaused()).toBe(false);
    expect((await as(keys.admin, pause, { method: 'PUT' })).status).toBe(200);
    expect(await api.h.app.queues.rows.isPaused()).toBe(true);
    await api.h.app.queues.rows.resume();
  });
});

describe('API_KEYS', () => {
  it('reads name:role:key entries and bare keys (admins, as before roles)', () => {
    const bare = 'b'.repeat(30);
    const { keys: parsed, problems } = parseApiKeys(
      `ops:admin:${'a'.repeat(24)}, ${bare},bob:uploader:${'c'.repeat(40)}`,
    );
    expect(problems).toEqual([]);
    expect(parsed.map((k) => [k.name.startsWith('key-') ? 'key-…' : k.name, k.role])).toEqual([
      ['ops', 'admin'],
      ['key-…', 'admin'],
      ['bob', 'uploader'],
    ]);
  });

  it('refuses keys under 24 characters, unknown roles as names, and repeated names, without echoing keys', () => {
    expect(() => loadConfig({ API_KEYS: 'a' })).toThrow(
      /API_KEYS: entry 1: the key has 1 characters; at least 24/,
    );
    const short = 'x'.repeat(10);
    let message = '';
    try {
      loadConfig({ API_KEYS: `ops:admin:${short},ops:viewer:${'y'.repeat(30)}` });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('the key has 10 characters');
    expect(message).toContain('the name is used twice');
    expect(message).not.toContain(short);
  });

  it('slows repeated failures from one client, not the first few, and forgets them on success', () => {
    const brake = new FailureBrake(3, 250, 4_000);
    const waits = Array.from({ length: 8 }, () => brake.fail('10.0.0.1', 1_000));
    expect(waits).toEqual([0, 0, 0, 250, 500, 1000, 2000, 4000]);
    expect(brake.fail('10.0.0.2', 1_000)).toBe(0);
    brake.succeed('10.0.0.1');
    expect(brake.fail('10.0.0.1', 1_000)).toBe(0);
  });
});
