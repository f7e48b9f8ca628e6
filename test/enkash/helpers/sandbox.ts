/** Starts the EnKash sandbox (src/sandbox) for one test, with the test credentials, closed after it. */
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/index.js';
import { CREDENTIALS } from './setup.js';

export async function sandboxFor(
  bed: { defer(cleanup: () => Promise<unknown>): void },
  options: Partial<SandboxOptions> = {},
): Promise<Sandbox> {
  const sandbox = await startSandbox({ credentials: CREDENTIALS, ...options });
  bed.defer(() => sandbox.close());
  return sandbox;
}

export function customerBody(n: number, extra: object = {}) {
  return {
    legalName: `Customer ${n}`,
    uniqueRefNo: `REF-${n}`,
    customerKeyContacts: [
      { name: `Contact ${n}`, mobile: '9876543210', legalName: `Customer ${n}`, deleted: false },
    ],
    ...extra,
  };
}
