import { Logger } from '@aws-lambda-powertools/logger';

/** One structured JSON logger per process; POWERTOOLS_LOG_LEVEL (read by Powertools) sets its level. */
export const logger = new Logger({ serviceName: 'checkout-api' });
