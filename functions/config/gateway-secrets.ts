/**
 * Where a stage keeps its payment gateways' secrets in Secrets Manager: one secret per gateway
 * setting, `<prefix><pg_code>`, a JSON object of the connector's secret fields (MPGS:
 * `api_password`, `notification_secret`). Shared by the stack (the grant on the prefix and
 * CHECKOUT_GATEWAY_SECRET_PREFIX), `npm run admin -- add-gateway` and the local cloud.
 */
export function gatewaySecretPrefix(stage: string): string {
  return `checkout/${stage}/gateways/`;
}
