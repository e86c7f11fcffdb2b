/** A secret the service uses itself and never shares (the payment form's CSRF key). */
export interface SecretSource {
  value(): Promise<string>;
}
