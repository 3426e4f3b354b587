/**
 * Returns a reader for a request body that stops as soon as `limit` bytes are exceeded (and on
 * a declared Content-Length above it, before reading at all), so an oversized body is never
 * buffered. Resolves to the bytes, or null when too large.
 */
export function limitedBodyReader(request: Request): (limit: number) => Promise<Uint8Array | null> {
  return async (limit) => {
    const declared = Number(request.headers.get('content-length') ?? NaN);
    if (declared > limit) return null;
    if (request.body === null) return new Uint8Array(0);
    const reader = request.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        // Not cancel(): that destroys the socket before the 413 is written. The node adapter
        // drains (bounded in bytes and time) or closes what is left after the answer.
        reader.releaseLock();
        return null;
      }
      chunks.push(value);
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  };
}
