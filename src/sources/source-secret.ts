import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** 32 bytes from the CSPRNG, base64url: 43 URL-safe characters. */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** 18 bytes from the CSPRNG, base64url: the unguessable last segment of a webhook URL. */
export function generateSourceId(): string {
  return randomBytes(18).toString('base64url');
}

/** A secret chosen by the operator: the sender's own setting, used as UTF-8 bytes. */
export const ChosenSecret = z
  .string()
  .min(16, 'secret must be at least 16 characters')
  .max(512, 'secret must be at most 512 characters')
  .refine((s) => s.trim() === s, 'secret must not start or end with white space')
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'secret must not contain control characters');

/** How long a rotated-out secret keeps working, by default. */
export const DEFAULT_ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;
