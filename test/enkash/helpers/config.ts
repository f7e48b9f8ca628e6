/** Test configuration with no vitest import, so the child-process script can use it too. */
import { SANDBOX_DEFAULTS, loadConfig, type Config } from '../../../src/config.js';

export const CREDENTIALS = {
  clientId: SANDBOX_DEFAULTS.ENKASH_CLIENT_ID,
  clientSecret: SANDBOX_DEFAULTS.ENKASH_CLIENT_SECRET,
  username: SANDBOX_DEFAULTS.ENKASH_USERNAME,
  password: SANDBOX_DEFAULTS.ENKASH_PASSWORD,
  companyId: SANDBOX_DEFAULTS.ENKASH_COMPANY_ID,
};

/** Defaults from the environment schema, except a rate high enough not to slow tests that are not about it. */
export function enkashConfig(baseUrl: string, overrides: Partial<Config['enkash']> = {}): Config['enkash'] {
  return { ...loadConfig({ ENKASH_BASE_URL: baseUrl }).enkash, ratePerSec: 1000, ...overrides };
}
