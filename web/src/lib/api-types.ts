// Wire types of the worker's dashboard API (/api/*) and the public model list (/v1/models).
// They mirror what worker/src/routes/api/* answer (keys, account, export, deletion); /api/usage is still to come.
// Conventions: JSON, camelCase fields, timestamps as ISO 8601 strings in UTC, money as integer micro-USD
// (1 USD = 1_000_000 micro-USD) in fields ending in `MicroUsd`, list endpoints return `{ data: [...] }`.

/** ISO 8601 timestamp in UTC, e.g. "2026-01-31T12:00:00.000Z". */
export type IsoDateTime = string;

/** Integer amount of micro-USD (millionths of a US dollar). Format with `formatMicroUsd`. */
export type MicroUsd = number;

/** OpenAI-style error body every failing endpoint returns. */
export interface ErrorBody {
  error: {
    message: string;
    type: string | null;
    param: string | null;
    code: string | null;
  };
}

/** Where a request may be processed (policy section 8). */
export type Jurisdiction = "CN" | "SG" | "US" | "EU" | "global";

/** GET /api/account */
export interface Account {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  plan: string;
  /** Prepaid credit left; requests are refused when it runs out. */
  balanceMicroUsd: MicroUsd;
  paymentStatus: string;
  promptCacheEnabled: boolean;
  /** null: every jurisdiction the catalog routes to. */
  allowedJurisdictions: Jurisdiction[] | null;
  /** Policy 7: null until the user confirmed being 13 or older. */
  ageConfirmedAt: IsoDateTime | null;
  createdAt: IsoDateTime;
}

/** Fair-use limits of a key (null: the plan's). */
export interface KeyLimits {
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  concurrentRequests: number | null;
}

/** An API key as listed. The secret is never returned after creation. */
export interface ApiKey {
  id: string;
  name: string;
  /** First characters of the secret, to recognise the key, e.g. "sk-omni-4f9a". */
  prefix: string;
  createdAt: IsoDateTime;
  lastUsedAt: IsoDateTime | null;
  revokedAt: IsoDateTime | null;
  limits: KeyLimits;
  allowedJurisdictions: Jurisdiction[] | null;
}

/** GET /api/keys */
export interface ApiKeyList {
  data: ApiKey[];
}

/** POST /api/keys body. */
export interface CreateKeyInput {
  name: string;
  limits?: Partial<KeyLimits>;
  allowedJurisdictions?: Jurisdiction[] | null;
}

/** POST /api/keys response: the only time the full secret is sent. */
export interface CreatedApiKey extends ApiKey {
  secret: string;
}

/** GET /api/usage query. `from` is inclusive, `to` exclusive. */
export interface UsageQuery {
  from: IsoDateTime;
  to: IsoDateTime;
  /** `nextCursor` of the previous page; omit for the first page. */
  cursor?: string | null;
}

/** One metered gateway request. */
export interface UsageRecord {
  id: string;
  /** The x-request-id the gateway returned for that request, to match logs and support tickets. */
  requestId: string;
  createdAt: IsoDateTime;
  apiKeyId: string | null;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: MicroUsd;
}

/** GET /api/usage */
export interface UsagePage {
  data: UsageRecord[];
  /** Pass as `cursor` to fetch the next page; null on the last page. */
  nextCursor: string | null;
}

/** GET /api/account/export: everything stored about the account, as a JSON download. */
export interface AccountExport {
  exportedAt: IsoDateTime;
  account: Account;
  keys: ApiKey[];
  usage: UsageRecord[];
}

/** DELETE /api/account body. */
export interface DeleteAccountInput {
  /** The account's email address, typed by the user to confirm; the worker refuses a mismatch. */
  confirm: string;
}

/** DELETE /api/account response. */
export interface DeletedAccount {
  deleted: true;
}

/** One entry of GET /v1/models (OpenAI shape). */
export interface Model {
  id: string;
  object: "model";
  /** Unix time in seconds. */
  created: number;
  owned_by: string;
}

/** GET /v1/models (OpenAI list shape). */
export interface ModelList {
  object: "list";
  data: Model[];
}
