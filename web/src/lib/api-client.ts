import { ApiError, apiErrorFromResponse } from "./api-error";
import type {
  Account,
  AccountExport,
  ApiKey,
  ApiKeyList,
  CreateKeyInput,
  CreatedApiKey,
  DeleteAccountInput,
  DeletedAccount,
  ModelList,
  UsagePage,
  UsageQuery,
} from "./api-types";

/** Returns the session token to send as `Authorization: Bearer`, or nothing when signed out. */
export type TokenGetter = () => string | null | undefined | Promise<string | null | undefined>;

export interface ApiClientOptions {
  /** Origin (optionally with a path prefix) of the worker; "" means same origin. */
  baseUrl: string;
  getToken: TokenGetter;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface ApiClient {
  getAccount(options?: RequestOptions): Promise<Account>;
  listKeys(options?: RequestOptions): Promise<ApiKeyList>;
  /** The response carries the key's secret; it is never sent again. */
  createKey(input: CreateKeyInput, options?: RequestOptions): Promise<CreatedApiKey>;
  /** Returns the key with `revokedAt` set. */
  revokeKey(id: string, options?: RequestOptions): Promise<ApiKey>;
  listUsage(query: UsageQuery, options?: RequestOptions): Promise<UsagePage>;
  exportAccount(options?: RequestOptions): Promise<AccountExport>;
  deleteAccount(input: DeleteAccountInput, options?: RequestOptions): Promise<DeletedAccount>;
  /** Public model list (OpenAI shape). */
  getModels(options?: RequestOptions): Promise<ModelList>;
}

type HttpMethod = "GET" | "POST" | "DELETE";
type QueryValue = string | null | undefined;

interface RequestSpec {
  method: HttpMethod;
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal | undefined;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const fetchFunction: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function request<ResponseBody>(spec: RequestSpec): Promise<ResponseBody> {
    const headers = new Headers({ Accept: "application/json" });
    const token = await options.getToken();
    if (token) {
      headers.set("Authorization", `Bearer ${token}`);
    }
    if (spec.body !== undefined) {
      headers.set("Content-Type", "application/json");
    }

    let response: Response;
    let bodyText: string;
    try {
      response = await fetchFunction(buildUrl(baseUrl, spec.path, spec.query), {
        method: spec.method,
        headers,
        body: spec.body === undefined ? null : JSON.stringify(spec.body),
        signal: spec.signal ?? null,
      });
      bodyText = await response.text();
    } catch (error) {
      if (spec.signal?.aborted) {
        throw error;
      }
      throw new ApiError({
        status: 0,
        code: "network_error",
        message: "Could not reach the omnizen API.",
        cause: error,
      });
    }

    const requestId = response.headers.get("x-request-id");
    if (!response.ok) {
      throw apiErrorFromResponse(response.status, bodyText, requestId);
    }
    try {
      return JSON.parse(bodyText) as ResponseBody;
    } catch (error) {
      throw new ApiError({
        status: response.status,
        code: "invalid_response",
        message: "The omnizen API sent a response that is not JSON.",
        requestId,
        cause: error,
      });
    }
  }

  return {
    getAccount: (requestOptions) => request({ method: "GET", path: "/api/account", signal: requestOptions?.signal }),
    listKeys: (requestOptions) => request({ method: "GET", path: "/api/keys", signal: requestOptions?.signal }),
    createKey: (input, requestOptions) =>
      request({
        method: "POST",
        path: "/api/keys",
        body: { name: input.name },
        signal: requestOptions?.signal,
      }),
    revokeKey: (id, requestOptions) =>
      request({
        method: "DELETE",
        path: `/api/keys/${encodeURIComponent(id)}`,
        signal: requestOptions?.signal,
      }),
    listUsage: (query, requestOptions) =>
      request({
        method: "GET",
        path: "/api/usage",
        query: { from: query.from, to: query.to, cursor: query.cursor },
        signal: requestOptions?.signal,
      }),
    exportAccount: (requestOptions) =>
      request({ method: "GET", path: "/api/account/export", signal: requestOptions?.signal }),
    deleteAccount: (input, requestOptions) =>
      request({
        method: "DELETE",
        path: "/api/account",
        body: { confirm: input.confirm },
        signal: requestOptions?.signal,
      }),
    getModels: (requestOptions) => request({ method: "GET", path: "/v1/models", signal: requestOptions?.signal }),
  };
}

function buildUrl(baseUrl: string, path: string, query: Record<string, QueryValue> | undefined): string {
  const searchParams = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") {
      searchParams.set(name, value);
    }
  }
  const queryString = searchParams.toString();
  return `${baseUrl}${path}${queryString === "" ? "" : `?${queryString}`}`;
}
