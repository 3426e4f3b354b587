import type { KeyedSecret } from '../hmac.ts';
import type { ParseResult } from '../incoming-event.ts';
import {
  EVENTYAY_SIGNATURE_HEADER,
  parseEventyayDelivery,
  verifyEventyaySignature,
  type SignatureCheck,
} from './eventyay.ts';

/** One sender's wire format: pure verification and parsing, nothing stored. */
export type SenderAdapter = {
  verify(
    header: (name: string) => string | undefined,
    body: Uint8Array,
    secrets: readonly KeyedSecret[],
  ): SignatureCheck;
  parse(body: Uint8Array): ParseResult;
};

export const SENDER_ADAPTERS: Record<string, SenderAdapter> = {
  eventyay: {
    verify: (header, body, secrets) =>
      verifyEventyaySignature(header(EVENTYAY_SIGNATURE_HEADER), body, secrets),
    parse: parseEventyayDelivery,
  },
};
