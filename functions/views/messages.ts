import type { CardBrand } from '../domain/card';
import type { PayFormErrors } from '../domain/checkout';

/** The hosted page's words, in the languages a session may ask for (`language`: en, ar). */

export type Language = 'en' | 'ar';
type FormProblem = NonNullable<PayFormErrors[keyof PayFormErrors]>;

export interface Messages {
  dir: 'ltr' | 'rtl';
  title: string;
  payHeading: string;
  amount: string;
  orderNo: string;
  dueBy: string;
  vendor: string;
  product: string;
  customer: string;
  attachment: string;
  viewAttachment: string;
  paymentMethod: string;
  fee: string;
  cardNumber: string;
  expiry: string;
  expiryPlaceholder: string;
  cvv: string;
  nameOnCard: string;
  pay: string;
  sandboxHint: string;
  sandboxCards: Array<[string, string]>;
  secureNote: string;
  formProblem: Record<FormProblem, string>;
  fixErrors: string;
  declined: string;
  gatewayError: string;
  attemptsLeft: (count: number) => string;
  reference: string;
  referenceShort: string;
  conflict: string;
  paidTitle: string;
  authorizedTitle: string;
  receiptNote: string;
  /** Receipt rows of the operations done since (refunds, captures). */
  operations: { refund: string; capture: string; void: string };
  amountPaid: string;
  date: string;
  card: string;
  brands: Record<CardBrand, string>;
  returnToMerchant: string;
  expiredTitle: string;
  expiredBody: string;
  failedTitle: string;
  failedBody: string;
  closedTitle: string;
  closedBody: (state: string) => string;
  states: Record<string, string>;
  attemptsHeading: string;
  results: Record<'success' | 'failed' | 'error' | 'pending', string>;
  /** A hosted gateway's method: the card is typed on the gateway's own page. */
  hostedNote: string;
  payWith: (method: string) => string;
  /** The checkbox offered with customer_id (the seed). */
  saveThisCard: string;
  /** save_card: the card is verified, not charged, and kept. */
  verifyWith: (method: string) => string;
  verifyNote: string;
  /** auto_debit: the merchant will charge the card later under the agreement. */
  autoDebitNote: string;
  /** The gateway could not start a payment; nothing was charged. */
  gatewayUnavailable: string;
  /** The latest attempt awaits the gateway's answer. */
  pendingNotice: string;
  redirecting: string;
  noScript: string;
  poweredBy: string;
}

const BRANDS_LATIN: Record<CardBrand, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  jcb: 'JCB',
  diners: 'Diners Club',
  unionpay: 'UnionPay',
  card: 'Card',
};

const en: Messages = {
  dir: 'ltr',
  title: 'Checkout',
  payHeading: 'Complete your payment',
  amount: 'Amount',
  orderNo: 'Order number',
  dueBy: 'Due by',
  vendor: 'Merchant',
  product: 'Product',
  customer: 'Customer',
  attachment: 'Attachment',
  viewAttachment: 'View attachment',
  paymentMethod: 'Payment method',
  fee: 'fee',
  cardNumber: 'Card number',
  expiry: 'Expiry date',
  expiryPlaceholder: 'MM/YY',
  cvv: 'CVV',
  nameOnCard: 'Name on card',
  pay: 'Pay',
  sandboxHint: 'Sandbox gateway: no real money moves. Test cards:',
  sandboxCards: [
    ['4111 1111 1111 1111', 'succeeds'],
    ['4000 0000 0000 0002', 'is declined'],
    ['4000 0000 0000 0119', 'gateway error'],
  ],
  secureNote: 'Your card details are sent securely and never stored.',
  formProblem: {
    card_number_invalid: 'Enter the 12 to 19 digits of your card number.',
    card_number_checksum: 'This card number is not valid. Check it and try again.',
    expiry_invalid: 'Enter the expiry date as MM/YY.',
    expiry_past: 'This card has expired.',
    cvv_invalid: 'Enter the 3-digit security code (4 digits for American Express).',
    name_required: 'Enter the name as it appears on the card.',
    name_too_long: 'The name may have at most 64 characters.',
    pg_code_invalid: 'Choose a payment method.',
    pg_code_unavailable: 'This payment method is not available right now. Choose another one.',
  },
  fixErrors: 'Please correct the highlighted fields.',
  declined: 'Your card was declined.',
  gatewayError: 'The payment gateway could not process the payment.',
  attemptsLeft: (count) => (count === 1 ? 'You have 1 attempt left.' : `You have ${count} attempts left.`),
  reference: 'Reference number',
  referenceShort: 'Ref.',
  conflict: 'This page was out of date, so the payment was not processed. Please check the details and try again.',
  paidTitle: 'Payment successful',
  authorizedTitle: 'Payment authorized',
  receiptNote: 'Thank you. Keep this reference number for your records.',
  operations: { refund: 'Refunded', capture: 'Captured', void: 'Voided' },
  amountPaid: 'Amount',
  date: 'Date',
  card: 'Card',
  brands: BRANDS_LATIN,
  returnToMerchant: 'Return to merchant',
  expiredTitle: 'This payment link has expired',
  expiredBody: 'It can no longer be used to pay. Please ask the merchant for a new link.',
  failedTitle: 'Payment failed',
  failedBody: 'The maximum number of payment attempts was reached. Please contact the merchant.',
  closedTitle: 'This payment is no longer available',
  closedBody: (state) => `The payment is ${state}.`,
  states: { canceled: 'canceled', invalided: 'invalid', refunded: 'refunded', voided: 'voided', failed: 'failed', expired: 'expired' },
  attemptsHeading: 'Payment attempts',
  results: { success: 'Successful', failed: 'Declined', error: 'Gateway error', pending: 'Awaiting the gateway' },
  hostedNote: "You will enter your card on the payment gateway's secure page.",
  payWith: (method) => `Pay with ${method}`,
  saveThisCard: 'Save this card for future payments',
  verifyWith: (method) => `Save a card with ${method}`,
  verifyNote: 'Your card is verified and saved; nothing is charged.',
  autoDebitNote: 'Your card is saved, and you agree to later payments by the merchant under this agreement.',
  gatewayUnavailable: 'The payment gateway could not be reached. Nothing was charged; please try again.',
  pendingNotice: "We are waiting for the payment gateway's answer on your last attempt. If you paid, this page will show it shortly; you may also try again.",
  redirecting: 'Taking you to the secure payment page…',
  noScript: 'Turn on JavaScript to continue to the payment page.',
  poweredBy: 'Secure checkout',
};

const ar: Messages = {
  dir: 'rtl',
  title: 'الدفع',
  payHeading: 'أكمل عملية الدفع',
  amount: 'المبلغ',
  orderNo: 'رقم الطلب',
  dueBy: 'تاريخ الاستحقاق',
  vendor: 'التاجر',
  product: 'المنتج',
  customer: 'العميل',
  attachment: 'المرفق',
  viewAttachment: 'عرض المرفق',
  paymentMethod: 'طريقة الدفع',
  fee: 'رسوم',
  cardNumber: 'رقم البطاقة',
  expiry: 'تاريخ الانتهاء',
  expiryPlaceholder: 'MM/YY',
  cvv: 'رمز الأمان',
  nameOnCard: 'الاسم على البطاقة',
  pay: 'ادفع',
  sandboxHint: 'بوابة تجريبية: لا تُحوَّل أي أموال حقيقية. بطاقات الاختبار:',
  sandboxCards: [
    ['4111 1111 1111 1111', 'عملية ناجحة'],
    ['4000 0000 0000 0002', 'بطاقة مرفوضة'],
    ['4000 0000 0000 0119', 'خطأ في البوابة'],
  ],
  secureNote: 'تُرسَل بيانات بطاقتك بأمان ولا يتم تخزينها.',
  formProblem: {
    card_number_invalid: 'أدخل رقم البطاقة المكوّن من 12 إلى 19 رقماً.',
    card_number_checksum: 'رقم البطاقة غير صحيح. تحقّق منه وحاول مرة أخرى.',
    expiry_invalid: 'أدخل تاريخ الانتهاء بالصيغة MM/YY.',
    expiry_past: 'انتهت صلاحية هذه البطاقة.',
    cvv_invalid: 'أدخل رمز الأمان المكوّن من 3 أرقام (4 أرقام لبطاقات أمريكان إكسبريس).',
    name_required: 'أدخل الاسم كما يظهر على البطاقة.',
    name_too_long: 'يجب ألا يزيد الاسم على 64 حرفاً.',
    pg_code_invalid: 'اختر طريقة الدفع.',
    pg_code_unavailable: 'طريقة الدفع هذه غير متاحة حالياً. اختر طريقة أخرى.',
  },
  fixErrors: 'يرجى تصحيح الحقول المشار إليها.',
  declined: 'تم رفض بطاقتك.',
  gatewayError: 'تعذّر على بوابة الدفع معالجة العملية.',
  attemptsLeft: (count) => `عدد المحاولات المتبقية: ${count}`,
  reference: 'الرقم المرجعي',
  referenceShort: 'المرجع',
  conflict: 'لم تكن هذه الصفحة محدّثة، لذلك لم تتم معالجة الدفع. يرجى مراجعة التفاصيل والمحاولة مرة أخرى.',
  paidTitle: 'تم الدفع بنجاح',
  authorizedTitle: 'تم تفويض الدفع',
  receiptNote: 'شكراً لك. احتفظ بالرقم المرجعي للرجوع إليه.',
  operations: { refund: 'المبلغ المسترد', capture: 'المبلغ المحصّل', void: 'ملغى' },
  amountPaid: 'المبلغ',
  date: 'التاريخ',
  card: 'البطاقة',
  brands: { ...BRANDS_LATIN, card: 'بطاقة' },
  returnToMerchant: 'العودة إلى التاجر',
  expiredTitle: 'انتهت صلاحية رابط الدفع',
  expiredBody: 'لم يعد بالإمكان الدفع عبر هذا الرابط. يرجى طلب رابط جديد من التاجر.',
  failedTitle: 'فشلت عملية الدفع',
  failedBody: 'تم الوصول إلى الحد الأقصى لمحاولات الدفع. يرجى التواصل مع التاجر.',
  closedTitle: 'عملية الدفع هذه لم تعد متاحة',
  closedBody: (state) => `حالة عملية الدفع: ${state}.`,
  states: { canceled: 'ملغاة', invalided: 'غير صالحة', refunded: 'مستردّة', voided: 'ملغى تفويضها', failed: 'فاشلة', expired: 'منتهية الصلاحية' },
  attemptsHeading: 'محاولات الدفع',
  results: { success: 'ناجحة', failed: 'مرفوضة', error: 'خطأ في البوابة', pending: 'بانتظار البوابة' },
  hostedNote: 'ستُدخل بيانات بطاقتك في صفحة بوابة الدفع الآمنة.',
  payWith: (method) => `ادفع عبر ${method}`,
  saveThisCard: 'احفظ هذه البطاقة للمدفوعات القادمة',
  verifyWith: (method) => `احفظ بطاقة عبر ${method}`,
  verifyNote: 'يتم التحقق من بطاقتك وحفظها دون خصم أي مبلغ.',
  autoDebitNote: 'تُحفظ بطاقتك، وتوافق على المدفوعات اللاحقة من التاجر بموجب هذه الاتفاقية.',
  gatewayUnavailable: 'تعذّر الوصول إلى بوابة الدفع. لم يُخصم أي مبلغ؛ يرجى المحاولة مرة أخرى.',
  pendingNotice: 'ننتظر ردّ بوابة الدفع على محاولتك الأخيرة. إن كنت قد دفعت فستظهر النتيجة هنا قريبًا؛ ويمكنك أيضًا المحاولة مرة أخرى.',
  redirecting: 'جارٍ نقلك إلى صفحة الدفع الآمنة…',
  noScript: 'فعّل JavaScript للمتابعة إلى صفحة الدفع.',
  poweredBy: 'دفع آمن',
};

const MESSAGES: Record<Language, Messages> = { en, ar };

export function messagesFor(language: string): Messages {
  return MESSAGES[language as Language] ?? en;
}
