import type { GatewayContext, MerchantSettings } from './context';
import type { Order } from './order-book';

/**
 * A transaction was made on an order: its webhook goes to the URL on the order (the last
 * order.notificationUrl given) or else the merchant's configured one; none, no notification.
 */
export function notify(context: GatewayContext, merchant: MerchantSettings, order: Order, transactionId: string, body: string): void {
  const url = order.notificationUrl ?? merchant.notificationUrl;
  if (!url) return;
  context.notifier.send({ merchantId: merchant.id, secret: merchant.notificationSecret, url, orderId: order.id, transactionId, body });
}
