import { z } from 'zod';

/** What an admin sets on a display: a name, the channels it shows, public or token-protected. */
export const DisplayFields = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'name must not be empty')
    .max(100, 'name must be at most 100 characters'),
  channelIds: z
    .array(z.number().int().positive())
    .min(1, 'choose at least one channel')
    .max(100, 'choose at most 100 channels'),
  isPublic: z.boolean(),
});
export type DisplayFields = z.input<typeof DisplayFields>;
