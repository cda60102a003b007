// Wire types of the worker's dashboard API (/api/*) and the public model list (/v1/models).
// Usage, notices and the model catalog come from the worker's own zod schemas (worker/src/contracts/dashboard-api.ts,
// types only: nothing of the worker is bundled); the others mirror what worker/src/routes/api/* answer.
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

export type {
  /** Where a request may be processed (policy section 8). */
  Jurisdiction,
  UsageStatus,
  /** The filter of every /api/usage endpoint (query string). `from` is inclusive, `to` exclusive. */
  UsageFilter,
  /** Sums over the requests of a filter. */
  UsageTotals,
  /** GET /api/usage/summary?from&to[&model&keyId&status] */
  UsageSummary,
  /** One metered request: ids, model, counts, cost and timings. Never any prompt or response content. */
  UsageEvent,
  /** GET /api/usage/events?filter[&cursor&limit]: newest first, keyset-paged. */
  UsageEventPage,
  /** GET /api/notices: material changes and service notices, announced in the product ahead of time (policy). */
  Notice,
  NoticeList,
  /** Prices in integer micro-USD per 1M tokens. */
  ModelPrices,
  /** One entry of GET /api/models: the catalog the dashboard's Models page shows. */
  CatalogModel,
  /** GET /api/models */
  ModelCatalog,
} from "../../../worker/src/contracts/dashboard-api";
import type { Jurisdiction } from "../../../worker/src/contracts/dashboard-api";

/** GET /api/account */
export interface Account {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  plan: string;
  /** The plan's fair-use limits (policy 2); a key may lower them. */
  planLimits: { requestsPerMinute: number; tokensPerMinute: number; concurrentRequests: number };
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

/** Calendar periods (UTC) of a key's spend limit; `none` never resets. */
export type SpendPeriod = "daily" | "weekly" | "monthly" | "none";

/** At most `amountMicroUsd` of spend per `period` through one key. */
export interface KeySpendLimit {
  amountMicroUsd: MicroUsd;
  period: SpendPeriod;
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
  /** null: only the account's credit limits this key. */
  spendLimit: KeySpendLimit | null;
  /** After this instant the key is refused; null: never. */
  expiresAt: IsoDateTime | null;
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
  spendLimit?: KeySpendLimit | null;
  /** In the future; null: never expires. */
  expiresAt?: IsoDateTime | null;
}

/** POST /api/keys response: the only time the full secret is sent. */
export interface CreatedApiKey extends ApiKey {
  secret: string;
}

/** PATCH /api/account body: at least one field. Name, email and phone are Clerk's (a new email or phone waits for
 * verification there); the prompt cache and jurisdictions are ours. */
export interface ProfileUpdate {
  name?: string;
  email?: string;
  /** E.164, e.g. "+8801712345678". */
  phone?: string;
  promptCacheEnabled?: boolean;
  allowedJurisdictions?: Jurisdiction[] | null;
}

/** PATCH /api/account response. */
export interface UpdatedProfile extends Account {
  /** A new email or phone that Clerk is still waiting for the user to verify (null: none). */
  pendingVerification: { email: string | null; phone: string | null };
}

/** PATCH /api/keys/:id body: at least one field. */
export interface UpdateKeyInput {
  name?: string;
  limits?: Partial<KeyLimits>;
  allowedJurisdictions?: Jurisdiction[] | null;
  spendLimit?: KeySpendLimit | null;
  expiresAt?: IsoDateTime | null;
}

/** GET /api/account/export: everything stored about the account, as a JSON download. */
export interface AccountExport {
  exportedAt: IsoDateTime;
  [section: string]: unknown;
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
