/**
 * API keys are random, shown once, and stored only as their SHA-256 hash: a leaked table gives no usable key.
 * A plain hash (no salt, no slow KDF) is right for 256-bit random keys and lets the authorizer find a key in one read.
 */
import { createHash, randomBytes } from 'node:crypto';

export function generateApiKey(): string {
  return `utk_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A short, non-secret handle for logs and audit records. */
export function keyIdOf(hash: string): string {
  return hash.slice(0, 12);
}
