import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/** The bytes; null when over the limit; 'incomplete' when the client went away mid-body. */
type BodyReader = (limit: number) => Promise<Uint8Array | null | 'incomplete'>;

/**
 * Returns a reader for the request body that stops as soon as `limit` bytes are exceeded (and
 * on a declared Content-Length above it, before reading at all), so an oversized body is never
 * buffered. Resolves to the bytes, null when too large, or 'incomplete' when the connection
 * closed or failed before the body ended (the client's doing, not an error of modhook). Under
 * @hono/node-server it reads the Node stream itself: building the web Request body costs more
 * than the rest of ingest.
 */
export function limitedBodyReader(c: Context): BodyReader {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const declared = Number(c.req.header('content-length') ?? NaN);
  return async (limit) => {
    if (declared > limit) return null;
    return incoming !== undefined && typeof incoming.on === 'function'
      ? readNodeStream(incoming, limit)
      : readWebStream(c.req.raw, limit);
  };
}

function readNodeStream(
  incoming: IncomingMessage,
  limit: number,
): Promise<Uint8Array | null | 'incomplete'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onGone);
      incoming.off('aborted', onGone);
      incoming.off('close', onGone);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        // Not destroy(): that would cut the 413 short. The adapter drains or closes the rest
        // (bounded in bytes and time) once the answer is sent.
        cleanup();
        incoming.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    };
    // Aborted, reset or closed before 'end': all the client's doing (or its network's).
    const onGone = () => {
      cleanup();
      resolve('incomplete');
    };
    // Gone before this reader started: no event would come any more.
    if (incoming.readableAborted) {
      resolve('incomplete');
      return;
    }
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onGone);
    incoming.on('aborted', onGone);
    incoming.on('close', onGone);
  });
}

async function readWebStream(
  request: Request,
  limit: number,
): Promise<Uint8Array | null | 'incomplete'> {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    // A stream that fails before its end: the sender went away.
    const next = await reader.read().catch(() => 'incomplete' as const);
    if (next === 'incomplete') return next;
    const { done, value } = next;
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      reader.releaseLock(); // see above: not cancel()
      return null;
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}
