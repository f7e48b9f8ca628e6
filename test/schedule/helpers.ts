/** Job definitions in temp folders, and a local HTTP server that records webhook POSTs. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JobDefinitionSchema, type JobDefinition } from '../../src/schedule/job-definition.js';

export function definition(fields: Record<string, unknown>): JobDefinition {
  return { ...JobDefinitionSchema.parse(fields), file: `${String(fields.name)}.json` };
}

export type Webhook = { url: string; bodies: Record<string, unknown>[]; close(): Promise<void> };

export async function startWebhook(): Promise<Webhook> {
  const bodies: Record<string, unknown>[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
