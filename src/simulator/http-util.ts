// Small helpers over Node's http module: bodies, parameters, answers.
import type { IncomingMessage, ServerResponse } from 'http';

const MAX_BODY = 1 << 20;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Query parameters, overridden by a form-encoded body (Netatmo accepts both). */
export function paramsOf(url: URL, body: string, contentType: string | undefined): URLSearchParams {
  const params = new URLSearchParams(url.search);
  if (body && (!contentType || contentType.includes('application/x-www-form-urlencoded'))) {
    for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
  }
  return params;
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, JSON.stringify(value), 'application/json; charset=utf-8', headers);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** The API's error envelope. */
export function sendApiError(res: ServerResponse, status: number, code: number, message: string, headers?: Record<string, string>): void {
  sendJson(res, status, { error: { code, message } }, headers);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}
