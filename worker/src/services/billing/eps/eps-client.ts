/**
 * EPS's merchant API (https://sandboxpgapi.eps.com.bd, https://pgapi.eps.com.bd; field names from the official samples
 * at github.com/EPS-PG): GetToken, InitializeEPS and CheckMerchantTransactionStatus, each signed with `x-hash`.
 *
 * The token is cached per isolate (module scope: it is data, not an IO client), keyed by base URL and user name,
 * until a minute before its `expireDate` (at most 30 minutes, as EPS's own clients do). A 401 drops it; the call is
 * retried once with a fresh token. Several isolates each hold their own token, which EPS allows.
 */
import { GatewayError } from "../../../errors.ts";
import { epsHash } from "./eps-hash.ts";
import type { EpsSettings } from "./eps-settings.ts";

const TOKEN_MAX_AGE_MS = 30 * 60 * 1000;
const TOKEN_EARLY_REFRESH_MS = 60 * 1000;
const TIMEOUT_MS = 15_000;

const tokens = new Map<string, { token: string; expiresAt: number }>();

/** The InitializeEPS body (the samples' field names and casing, `CustomerOrderId` included). */
export interface InitializeRequest {
  merchantId: string;
  storeId: string;
  CustomerOrderId: string;
  merchantTransactionId: string;
  transactionTypeId: number;
  /** BDT as a JSON number, as the samples send it (`100.50`): exact, from paisa (worker/src/lib/money.ts). */
  totalAmount: number;
  successUrl: string;
  failUrl: string;
  cancelUrl: string;
  customerName: string;
  customerEmail: string;
  customerAddress: string;
  customerCity: string;
  customerState: string;
  customerPostcode: string;
  customerCountry: string;
  customerPhone: string;
  productName: string;
  productProfile: string;
  productCategory: string;
  noOfItem: number;
  deviceTypeId: number;
  shippingMethod: string;
  valueA: string;
}

export interface EpsClient {
  initialize(request: InitializeRequest): Promise<{ transactionId: string; redirectUrl: string }>;
  /** The status record, or null when EPS does not know the id. */
  checkStatus(merchantTransactionId: string): Promise<Record<string, unknown> | null>;
}

export function createEpsClient(settings: EpsSettings, fetcher: typeof fetch = fetch): EpsClient {
  const cacheKey = `${settings.baseUrl}|${settings.userName}`;

  async function token(): Promise<string> {
    const cached = tokens.get(cacheKey);
    if (cached && cached.expiresAt > Date.now()) return cached.token;
    const response = await call("/v1/Auth/GetToken", {
      method: "POST",
      headers: { "content-type": "application/json", "x-hash": await epsHash(settings.userName, settings.hashKey) },
      body: JSON.stringify({ userName: settings.userName, password: settings.password }),
    });
    const body = (await readJson(response)) as { token?: unknown; expireDate?: unknown } | null;
    if (!response.ok || typeof body?.token !== "string" || body.token === "")
      throw epsError(`GetToken answered ${response.status}`);
    const expireDate = typeof body.expireDate === "string" ? Date.parse(body.expireDate) : Number.NaN;
    const expiresAt = Math.min(
      Number.isFinite(expireDate) ? expireDate - TOKEN_EARLY_REFRESH_MS : Infinity,
      Date.now() + TOKEN_MAX_AGE_MS,
    );
    tokens.set(cacheKey, { token: body.token, expiresAt });
    return body.token;
  }

  /** Calls with the cached token; after a 401, once more with a new one. */
  async function authorized(path: string, hashed: string, init: RequestInit): Promise<Response> {
    const xHash = await epsHash(hashed, settings.hashKey);
    const attempt = async () =>
      call(path, { ...init, headers: { ...init.headers, "x-hash": xHash, authorization: `Bearer ${await token()}` } });
    const first = await attempt();
    if (first.status !== 401) return first;
    await first.body?.cancel();
    tokens.delete(cacheKey);
    return attempt();
  }

  async function call(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetcher(`${settings.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw epsError("EPS is unreachable", error);
    }
  }

  return {
    async initialize(request) {
      const response = await authorized("/v1/EPSEngine/InitializeEPS", request.merchantTransactionId, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(request),
      });
      const body = (await readJson(response)) as Record<string, unknown> | null;
      const redirectUrl = body?.RedirectURL;
      const transactionId = body?.TransactionId;
      if (!response.ok || typeof redirectUrl !== "string" || !/^https?:\/\//.test(redirectUrl)) {
        const reason = typeof body?.ErrorMessage === "string" ? `: ${body.ErrorMessage.slice(0, 200)}` : "";
        throw epsError(`InitializeEPS answered ${response.status}${reason}`);
      }
      return { redirectUrl, transactionId: typeof transactionId === "string" ? transactionId : "" };
    },

    async checkStatus(merchantTransactionId) {
      const query = new URLSearchParams({ merchantTransactionId });
      const response = await authorized(
        `/v1/EPSEngine/CheckMerchantTransactionStatus?${query}`,
        merchantTransactionId,
        {
          method: "GET",
        },
      );
      const body = await readJson(response);
      if (response.status === 404) return null;
      if (!response.ok || typeof body !== "object" || body === null)
        throw epsError(`CheckMerchantTransactionStatus answered ${response.status}`);
      return body as Record<string, unknown>;
    },
  };
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function epsError(message: string, cause?: unknown): GatewayError {
  return new GatewayError("upstream_error", `EPS payment gateway error (${message}); try again later.`, { cause });
}

/** Tests: forget every cached token. */
export function clearEpsTokenCache(): void {
  tokens.clear();
}
