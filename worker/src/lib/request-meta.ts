/** What is known about a request when it arrives, built once (middleware/request-meta.ts); no content. */
export interface RequestMeta {
  /** `req_` + 32 hex, echoed as `x-request-id`. */
  requestId: string;
  /** Date.now() when the request arrived. */
  startedAt: number;
  /** `cf-connecting-ip`, when Cloudflare sent it. */
  ip: string | null;
  /** The first 512 characters of `user-agent`. */
  userAgent: string | null;
  method: string;
  /** The URL's path, without the query string. */
  path: string;
}

export function buildRequestMeta(request: Request, now = Date.now()): RequestMeta {
  return {
    requestId: `req_${crypto.randomUUID().replaceAll("-", "")}`,
    startedAt: now,
    ip: request.headers.get("cf-connecting-ip"),
    userAgent: request.headers.get("user-agent")?.slice(0, 512) ?? null,
    method: request.method,
    path: new URL(request.url).pathname,
  };
}
