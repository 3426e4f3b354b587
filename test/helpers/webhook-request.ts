import type { Harness } from './harness.ts';
import { eventyayJson, eventyaySignature } from './eventyay.ts';

/** POSTs a body to /hooks/:sourceId as Eventyay does; `signature: null` leaves the header out. */
export function postHook(
  h: Harness,
  sourceId: string,
  body: string | Uint8Array,
  signature: string | null,
  headers: Record<string, string> = {},
) {
  return h.app.request(`/hooks/${sourceId}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'python-requests/2.32.3',
      ...(signature === null ? {} : { 'X-Eventyay-Signature': signature }),
      ...headers,
    },
    body,
  });
}

/** Serialises a payload as Eventyay does, signs it with `secret` and posts it. */
export function postSigned(h: Harness, sourceId: string, payload: unknown, secret: string) {
  const body = eventyayJson(payload);
  return postHook(h, sourceId, body, eventyaySignature(body, secret));
}
