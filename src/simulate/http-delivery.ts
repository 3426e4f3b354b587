import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { DeliveryResult } from './run-simulation.ts';

/** Eventyay gives up on a delivery after 5 s (docs/protocols.md). */
export const DELIVERY_TIMEOUT_MS = 5000;
const HEALTH_TIMEOUT_MS = 3000;

type Answer = { status: number; body: string };

/**
 * POSTs one signed body as Eventyay does: `Content-Type: application/json`, the signature
 * header and python-requests' default headers, on a fresh connection each time (module-level
 * `requests.post` keeps no session), 5 s timeout, no retry. Never throws: a transport failure
 * is an `error` result.
 */
export async function postEventyayDelivery(
  url: string,
  body: string,
  signature: string,
): Promise<DeliveryResult> {
  let answer: Answer;
  try {
    answer = await send(url, 'POST', DELIVERY_TIMEOUT_MS, body, {
      'Content-Type': 'application/json',
      'X-Eventyay-Signature': signature,
      'User-Agent': 'python-requests/2.32.3',
      'Accept-Encoding': 'gzip, deflate',
      Accept: '*/*',
    });
  } catch (error) {
    return { outcome: 'error', message: describeFailure(error) };
  }
  return readAnswer(answer);
}

/** How a webhook answer reads: `{"ok":true}`, `{"ok":true,"duplicate":true}` or an error body. */
export function readAnswer({ status, body }: Answer): DeliveryResult {
  const json = parseJson(body);
  if (status === 200) {
    return json?.duplicate === true ? { outcome: 'duplicate' } : { outcome: 'accepted' };
  }
  const error = json?.error;
  const code =
    typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
      ? error.code
      : status >= 200 && status < 300
        ? 'ignored'
        : `http_${status}`;
  return { outcome: 'rejected', status, reason: code };
}

/**
 * Throws an Error that tells the user what to do unless a modhook server answers
 * `GET /healthz` with 200 at `baseUrl`.
 */
export async function checkServerUp(baseUrl: string): Promise<void> {
  const startIt =
    'Start it first with `npm start` (or `npx modhook serve`) in another terminal, or point ' +
    '--url at the running server.';
  let answer: Answer;
  try {
    answer = await send(`${baseUrl}/healthz`, 'GET', HEALTH_TIMEOUT_MS);
  } catch (error) {
    throw new Error(`no modhook server at ${baseUrl} (${describeFailure(error)}). ${startIt}`);
  }
  if (answer.status !== 200 || parseJson(answer.body)?.ok !== true) {
    throw new Error(
      `${baseUrl}/healthz answered ${answer.status}: that is not a healthy modhook server. ${startIt}`,
    );
  }
}

function send(
  url: string,
  method: 'GET' | 'POST',
  timeoutMs: number,
  body?: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(
      target,
      {
        method,
        agent: false,
        headers:
          body === undefined ? headers : { ...headers, 'Content-Length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

function describeFailure(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'host not found';
  return error instanceof Error ? error.message : String(error);
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
