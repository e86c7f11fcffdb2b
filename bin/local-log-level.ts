import { setting } from '../functions/config/env';

/**
 * Imported first by bin/local.ts: the Powertools logger takes its level from the environment when
 * its module is loaded (and returns to it at every invocation), so the quiet default must be in
 * place before anything imports it. Handler logs: WARN and up with the readable console, INFO and
 * up with LOG_FORMAT=json; POWERTOOLS_LOG_LEVEL=DEBUG shows everything.
 */
process.env.POWERTOOLS_LOG_LEVEL = setting('POWERTOOLS_LOG_LEVEL') ?? (setting('LOG_FORMAT') === 'json' ? 'INFO' : 'WARN');
