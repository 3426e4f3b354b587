import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

type BodyReader = (limit: number) => Promise<Uint8Array | null>;

/**
 * Returns a reader for the request body that stops as soon as `limit` bytes are exceeded (and
 * on a declared Content-Length above it, before reading at all), so an oversized body is never
 * buffered. Resolves to the bytes, or null when too large. Under @hono/node-server it reads
 * the Node stream itself: building the web Request body costs more than the rest of ingest.
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

function readNodeStream(incoming: IncomingMessage, limit: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('aborted', onAborted);
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
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAborted = () => onError(new Error('the client closed the connection mid-body'));
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('aborted', onAborted);
  });
}

async function readWebStream(request: Request, limit: number): Promise<Uint8Array | null> {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
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
