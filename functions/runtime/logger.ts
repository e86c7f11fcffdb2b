import { Logger } from '@aws-lambda-powertools/logger';

/** One structured JSON logger per process; POWERTOOLS_LOG_LEVEL sets its level. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'checkout-api' });
