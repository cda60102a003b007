import { ApiError, apiErrorFromResponse } from "./api-error";
import type {
  Account,
  AccountExport,
  AutoTopupRequest,
  BillingCatalog,
  BillingStatus,
  CheckoutRequest,
  CheckoutResponse,
  EpsVerifyResponse,
  Payment,
  PaymentList,
  PortalResponse,
  Subscription,
  SubscriptionChangeRequest,
  SubscriptionChangeResponse,
  ApiKey,
  ApiKeyList,
  CreateKeyInput,
  CreatedApiKey,
  DeleteAccountInput,
  DeletedAccount,
  ModelCatalog,
  ModelList,
  NoticeList,
  ProfileUpdate,
  UpdateKeyInput,
  UpdatedProfile,
  UsageEventPage,
  UsageFilter,
  UsageSummary,
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

/** A file the API sent (export, CSV), with the name its `content-disposition` gave. */
export interface Download {
  blob: Blob;
  filename: string;
}

export interface ApiClient {
  getAccount(options?: RequestOptions): Promise<Account>;
  listKeys(options?: RequestOptions): Promise<ApiKeyList>;
  /** The response carries the key's secret; it is never sent again. */
  createKey(input: CreateKeyInput, options?: RequestOptions): Promise<CreatedApiKey>;
  /** Returns the key with `revokedAt` set. */
  revokeKey(id: string, options?: RequestOptions): Promise<ApiKey>;
  updateKey(id: string, input: UpdateKeyInput, options?: RequestOptions): Promise<ApiKey>;
  /** PATCH /api/account. */
  updateProfile(input: ProfileUpdate, options?: RequestOptions): Promise<UpdatedProfile>;
  /** POST /api/account/confirm-age (policy 7). */
  confirmAge(options?: RequestOptions): Promise<Account>;
  getUsageSummary(filter: UsageFilter, options?: RequestOptions): Promise<UsageSummary>;
  listUsageEvents(
    filter: UsageFilter & { cursor?: string | null; limit?: number },
    options?: RequestOptions,
  ): Promise<UsageEventPage>;
  /** The CSV of the filtered requests, as a file to save (`GET /api/usage/events.csv`). */
  downloadUsageCsv(filter: UsageFilter, options?: RequestOptions): Promise<Download>;
  /** The whole account as a JSON file (`GET /api/account/export`), read as it streams in. */
  downloadExport(options?: RequestOptions & { onProgress?: (bytes: number) => void }): Promise<Download>;
  exportAccount(options?: RequestOptions): Promise<AccountExport>;
  getNotices(options?: RequestOptions): Promise<NoticeList>;
  /** The model catalog with prices (`GET /api/models`). */
  getModelCatalog(options?: RequestOptions): Promise<ModelCatalog>;
  deleteAccount(input: DeleteAccountInput, options?: RequestOptions): Promise<DeletedAccount>;
  /** Public model list (OpenAI shape). */
  getModels(options?: RequestOptions): Promise<ModelList>;
  /** Plans, packs and which payment providers are configured (`GET /api/billing/catalog`). */
  getBillingCatalog(options?: RequestOptions): Promise<BillingCatalog>;
  /** Balance, plan, current subscription, auto top-up (`GET /api/billing`). */
  getBillingStatus(options?: RequestOptions): Promise<BillingStatus>;
  /** The account's payments, newest first (`GET /api/billing/payments`). */
  listPayments(options?: RequestOptions): Promise<PaymentList>;
  /** One payment of the account (`GET /api/billing/payments/:id`). */
  getPayment(id: string, options?: RequestOptions): Promise<Payment>;
  /** `PUT /api/billing/auto-topup`; answers the new status. */
  saveAutoTopup(input: AutoTopupRequest, options?: RequestOptions): Promise<BillingStatus>;
  /** Starts a checkout with a provider (`POST /api/billing/{stripe,eps}/checkout`): the page to send the browser to. */
  startCheckout(
    provider: "stripe" | "eps",
    input: CheckoutRequest,
    options?: RequestOptions,
  ): Promise<CheckoutResponse>;
  /** Asks the gateway to check an EPS payment with EPS now (`POST /api/billing/eps/verify`); never grants by itself. */
  verifyEpsPayment(merchantReference: string, options?: RequestOptions): Promise<EpsVerifyResponse>;
  /** Stripe's Customer Portal for cards and plan changes (`POST /api/billing/stripe/portal`). */
  openBillingPortal(options?: RequestOptions): Promise<PortalResponse>;
  /** `POST /api/billing/subscription/cancel` (at the period's end) or `/resume`. */
  changeSubscription(
    action: "cancel" | "resume",
    options?: RequestOptions,
  ): Promise<{ subscription: Subscription | null }>;
  /** `POST /api/billing/subscription/change`: the Stripe subscription's new plan; answers what was charged now. */
  changePlan(input: SubscriptionChangeRequest, options?: RequestOptions): Promise<SubscriptionChangeResponse>;
}

type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
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

  /** GETs a file, reading the body as it arrives (progress in bytes), with the API's error on failure. */
  async function download(spec: {
    path: string;
    query?: Record<string, QueryValue>;
    signal?: AbortSignal | undefined;
    onProgress?: ((bytes: number) => void) | undefined;
  }): Promise<Download> {
    const headers = new Headers();
    const token = await options.getToken();
    if (token) headers.set("Authorization", `Bearer ${token}`);
    let response: Response;
    try {
      response = await fetchFunction(buildUrl(baseUrl, spec.path, spec.query), {
        method: "GET",
        headers,
        signal: spec.signal ?? null,
      });
    } catch (error) {
      if (spec.signal?.aborted) throw error;
      throw new ApiError({
        status: 0,
        code: "network_error",
        message: "Could not reach the omnizen API.",
        cause: error,
      });
    }
    if (!response.ok) {
      throw apiErrorFromResponse(response.status, await response.text(), response.headers.get("x-request-id"));
    }
    const chunks: Uint8Array[] = [];
    let received = 0;
    const reader = response.body?.getReader();
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.byteLength;
      spec.onProgress?.(received);
    }
    const type = response.headers.get("content-type") ?? "application/octet-stream";
    const disposition = response.headers.get("content-disposition") ?? "";
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? "omnizen-download";
    return { blob: new Blob(chunks as BlobPart[], { type }), filename };
  }

  return {
    getAccount: (requestOptions) => request({ method: "GET", path: "/api/account", signal: requestOptions?.signal }),
    listKeys: (requestOptions) => request({ method: "GET", path: "/api/keys", signal: requestOptions?.signal }),
    createKey: (input, requestOptions) =>
      request({
        method: "POST",
        path: "/api/keys",
        body: input,
        signal: requestOptions?.signal,
      }),
    revokeKey: (id, requestOptions) =>
      request({
        method: "DELETE",
        path: `/api/keys/${encodeURIComponent(id)}`,
        signal: requestOptions?.signal,
      }),
    updateKey: (id, input, requestOptions) =>
      request({
        method: "PATCH",
        path: `/api/keys/${encodeURIComponent(id)}`,
        body: input,
        signal: requestOptions?.signal,
      }),
    updateProfile: (input, requestOptions) =>
      request({ method: "PATCH", path: "/api/account", body: input, signal: requestOptions?.signal }),
    confirmAge: (requestOptions) =>
      request({
        method: "POST",
        path: "/api/account/confirm-age",
        body: { confirmed13OrOlder: true },
        signal: requestOptions?.signal,
      }),
    getUsageSummary: (filter, requestOptions) =>
      request({ method: "GET", path: "/api/usage/summary", query: usageQuery(filter), signal: requestOptions?.signal }),
    listUsageEvents: (filter, requestOptions) =>
      request({
        method: "GET",
        path: "/api/usage/events",
        query: {
          ...usageQuery(filter),
          cursor: filter.cursor,
          limit: filter.limit === undefined ? undefined : String(filter.limit),
        },
        signal: requestOptions?.signal,
      }),
    downloadUsageCsv: (filter, requestOptions) =>
      download({ path: "/api/usage/events.csv", query: usageQuery(filter), signal: requestOptions?.signal }),
    downloadExport: (requestOptions) =>
      download({
        path: "/api/account/export",
        signal: requestOptions?.signal,
        onProgress: requestOptions?.onProgress,
      }),
    getNotices: (requestOptions) => request({ method: "GET", path: "/api/notices", signal: requestOptions?.signal }),
    getModelCatalog: (requestOptions) =>
      request({ method: "GET", path: "/api/models", signal: requestOptions?.signal }),
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
    getBillingCatalog: (requestOptions) =>
      request({ method: "GET", path: "/api/billing/catalog", signal: requestOptions?.signal }),
    getBillingStatus: (requestOptions) =>
      request({ method: "GET", path: "/api/billing", signal: requestOptions?.signal }),
    listPayments: (requestOptions) =>
      request({ method: "GET", path: "/api/billing/payments", signal: requestOptions?.signal }),
    getPayment: (id, requestOptions) =>
      request({
        method: "GET",
        path: `/api/billing/payments/${encodeURIComponent(id)}`,
        signal: requestOptions?.signal,
      }),
    saveAutoTopup: (input, requestOptions) =>
      request({ method: "PUT", path: "/api/billing/auto-topup", body: input, signal: requestOptions?.signal }),
    startCheckout: (provider, input, requestOptions) =>
      request({
        method: "POST",
        path: `/api/billing/${provider}/checkout`,
        body: input,
        signal: requestOptions?.signal,
      }),
    verifyEpsPayment: (merchantReference, requestOptions) =>
      request({
        method: "POST",
        path: "/api/billing/eps/verify",
        body: { merchantReference },
        signal: requestOptions?.signal,
      }),
    openBillingPortal: (requestOptions) =>
      request({ method: "POST", path: "/api/billing/stripe/portal", body: {}, signal: requestOptions?.signal }),
    changeSubscription: (action, requestOptions) =>
      request({
        method: "POST",
        path: `/api/billing/subscription/${action}`,
        body: {},
        signal: requestOptions?.signal,
      }),
    changePlan: (input, requestOptions) =>
      request({
        method: "POST",
        path: "/api/billing/subscription/change",
        body: input,
        signal: requestOptions?.signal,
      }),
  };
}

function usageQuery(filter: UsageFilter): Record<string, QueryValue> {
  return { from: filter.from, to: filter.to, model: filter.model, keyId: filter.keyId, status: filter.status };
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
