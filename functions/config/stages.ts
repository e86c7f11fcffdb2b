/**
 * The deployment stages and how the Data stack publishes its resources to the Api stack and to
 * operators (the admin CLI): plain facts, shared by lib/ and scripts/ without loading the CDK.
 */
export const STAGES = ['dev', 'staging', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

/** The SSM parameter through which the Data stack shares one value (`/checkout/<stage>/<key>`). */
export function sharedParameterName(stage: string, key: string): string {
  return `/checkout/${stage}/${key}`;
}
