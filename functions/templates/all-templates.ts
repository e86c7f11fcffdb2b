import { EMAIL_TEMPLATES, SMS_TEMPLATES } from './templates.generated';

/** Every channel's templates, for the runtimes that serve both (npm start, the bench, tests). */
export const TEMPLATES: Readonly<Record<string, string>> = { ...EMAIL_TEMPLATES, ...SMS_TEMPLATES };
