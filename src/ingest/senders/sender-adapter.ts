import type { SettingsOf, SourceKind } from '../../sources/source-kinds.ts';
import type { KeyedSecret } from '../hmac.ts';
import type { ParseResult } from '../incoming-event.ts';
import { bareRtcAdapter } from './barertc.ts';
import {
  EVENTYAY_SIGNATURE_HEADER,
  parseEventyayDelivery,
  verifyEventyaySignature,
} from './eventyay.ts';
import { hmacAdapter } from './hmac.ts';
import { standardWebhooksAdapter } from './standard-webhooks.ts';
import { streamAdapter } from './stream.ts';

export type HeaderReader = (name: string) => string | undefined;

export type SignatureCheck =
  | {
      ok: true;
      secretId: number;
      /** The sender's own delivery id (same across its retries), when it sends one. */
      webhookId?: string;
    }
  | {
      ok: false;
      reason:
        | 'signature_missing'
        | 'signature_malformed'
        | 'signature_mismatch'
        | 'timestamp_out_of_tolerance';
      message: string;
    };

/** What a stored delivery came to, for a sender that wants its own answer shape. */
export type StoredResult =
  | { outcome: 'accepted' | 'duplicate' | 'ignored' }
  | { outcome: 'profile'; profile: SenderProfile };

/** What modhook knows about one sender, for a sender that asks (BareRTC profile). */
export type SenderProfile = {
  known: boolean;
  messages: number;
  openFlags: number;
  rejectedMessages: number;
  firstSeenAt: number | null;
  status: string | null;
};

/**
 * One sender's wire format, bound to one source's settings: pure verification and parsing,
 * nothing stored.
 */
export type SenderAdapter = {
  /** Checks the raw (decompressed) body's authenticity before anything is parsed. */
  verify(
    header: HeaderReader,
    body: Uint8Array,
    secrets: readonly KeyedSecret[],
    now: number,
  ): SignatureCheck;
  parse(body: Uint8Array, header: HeaderReader, receivedAt: number): ParseResult;
  /** The body as stored and hashed, when it carries a secret (BareRTC's APIKey). */
  redact?(body: Uint8Array): Uint8Array;
  /** The answer body of a success, for a sender that insists on its own (always status 200). */
  reply?(result: StoredResult): unknown;
};

type AdapterFactory<K extends SourceKind> = (settings: SettingsOf<K>) => SenderAdapter;

const FACTORIES: { [K in SourceKind]: AdapterFactory<K> } = {
  eventyay: () => ({
    verify: (header, body, secrets) =>
      verifyEventyaySignature(header(EVENTYAY_SIGNATURE_HEADER), body, secrets),
    parse: parseEventyayDelivery,
  }),
  stream: () => streamAdapter,
  barertc: () => bareRtcAdapter,
  hmac: hmacAdapter,
  'standard-webhooks': standardWebhooksAdapter,
};

/** The adapter of a source kind bound to the source's validated settings. */
export function bindSenderAdapter(kind: SourceKind, settings: unknown): SenderAdapter {
  return (FACTORIES[kind] as (settings: unknown) => SenderAdapter)(settings);
}
