import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The functions' logger, in a module of its own: the authorizer logs but builds no AWS clients,
 * and importing aws-services.ts would bundle all of them into it.
 */
export const logger = new Logger({ serviceName: 'jobwatch' });
