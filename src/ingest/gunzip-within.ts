import { createGunzip } from 'node:zlib';

/**
 * Decompresses a gzip body as a stream, giving up as soon as the output exceeds `limit` bytes:
 * a gzip bomb costs at most `limit` bytes of memory, never its full expansion. Resolves to the
 * bytes, `too_large`, or `corrupt` (not gzip, truncated, or trailing garbage).
 */
export function gunzipWithin(
  compressed: Uint8Array,
  limit: number,
): Promise<Uint8Array | 'too_large' | 'corrupt'> {
  return new Promise((resolve) => {
    const gunzip = createGunzip();
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const settle = (result: Uint8Array | 'too_large' | 'corrupt') => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    gunzip.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        settle('too_large');
        gunzip.destroy();
        return;
      }
      chunks.push(chunk);
    });
    gunzip.on('end', () => settle(Buffer.concat(chunks, total)));
    gunzip.on('error', () => settle('corrupt'));
    gunzip.end(compressed);
  });
}
