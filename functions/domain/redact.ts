/**
 * What of a customer's contact details and a merchant's URLs may appear in logs: enough to tell
 * two apart and to find the endpoint, never the whole (docs/data-retention.md). Logs are kept
 * for the stage's retention and read by more people than the table.
 */

/** `jane.doe@example.com` → `j***@example.com` (the domain tells a provider problem apart). */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '***';
  return `${address[0]}***${address.slice(at)}`;
}

/** `+96550012345` → `+965*****45`: the country code and the last two digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.length < 6) return '***';
  const country = digits.startsWith('+') ? digits.slice(0, 4) : '';
  return `${country}${'*'.repeat(Math.max(3, digits.length - country.length - 2))}${digits.slice(-2)}`;
}

/** An e-mail address or a phone number, whichever it is. */
export function maskRecipient(to: string): string {
  return to.includes('@') ? maskEmail(to) : maskPhone(to);
}

/** A URL without its query, fragment and credentials: tokens and customer data live there. */
export function urlWithoutQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/** Free text (a provider's error message) with any e-mail address or phone-like number in it masked. */
export function redactText(text: string): string {
  return text.replace(/[^\s<>()"',;:]+@[^\s<>()"',;:]+\.[a-z]{2,}/gi, maskEmail).replace(/\+?\d[\d\s-]{6,}\d/g, maskPhone);
}
