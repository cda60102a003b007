// Wire types of the worker's dashboard API (/api/*) and the public model list (/v1/models), all from the worker's own
// zod schemas (worker/src/contracts/, types only: nothing of the worker is bundled), so the SPA and the worker cannot
// drift. Conventions: JSON, camelCase fields, timestamps as ISO 8601 strings in UTC, money as integer micro-USD
// (1 USD = 1_000_000 micro-USD) in fields ending in `MicroUsd`, list endpoints return `{ data: [...] }`.

/** ISO 8601 timestamp in UTC, e.g. "2026-01-31T12:00:00.000Z". */
export type IsoDateTime = string;

/** Integer amount of micro-USD (millionths of a US dollar). Format with `formatMicroUsd`. */
export type MicroUsd = number;

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
export type {
  /** GET /api/billing/catalog: plans, packs, auto top-up bounds and the configured payment providers. */
  BillingCatalog,
  PlanOfferJson as PlanOffer,
  CreditPackJson as CreditPack,
  /** GET /api/billing: balance, plan, current subscription and auto top-up settings. */
  BillingStatus,
  SubscriptionJson as Subscription,
  AutoTopupSettings,
  /** PUT /api/billing/auto-topup body. */
  AutoTopupRequest,
  /** One payment: our and the provider's references, amount in minor units, never card data. */
  PaymentJson as Payment,
  PaymentList,
  /** POST /api/billing/{stripe,eps}/checkout. */
  CheckoutRequest,
  CheckoutResponse,
  EpsVerifyResponse,
  PortalResponse,
  /** POST /api/billing/subscription/change: another paid plan for a Stripe subscription, prorated by Stripe. */
  SubscriptionChangeRequest,
  SubscriptionChangeResponse,
} from "../../../worker/src/contracts/billing-api";

export type {
  /** GET /api/account (and POST /api/account/confirm-age). */
  Account,
  /** PATCH /api/account body: at least one field. */
  ProfileUpdate,
  /** PATCH /api/account response: the account and what Clerk still waits for the user to verify. */
  UpdatedProfile,
} from "../../../worker/src/contracts/account-api";

export type {
  /** Fair-use limits of a key (null: the plan's). */
  KeyLimits,
  /** An API key as listed. The secret is never returned after creation. */
  ApiKey,
  /** GET /api/keys */
  ApiKeyList,
  /** POST /api/keys body. */
  CreateKeyInput,
  /** POST /api/keys response: the only time the full secret is sent. */
  CreatedApiKey,
  /** PATCH /api/keys/:id body: at least one field. */
  UpdateKeyInput,
  /** Calendar periods (UTC) of a key's spend limit; `none` never resets. */
  SpendPeriod,
  /** At most `amountMicroUsd` of spend per `period` through one key. */
  KeySpendLimit,
} from "../../../worker/src/contracts/keys-api";

export type {
  /** GET /api/account/export: everything stored about the account, as a JSON download. */
  AccountExport,
  /** DELETE /api/account body. */
  DeleteAccountInput,
  /** DELETE /api/account response. */
  DeletedAccount,
} from "../../../worker/src/contracts/privacy-api";

export type {
  /** POST /api/dev/sign-in (development only). */
  DevSignIn,
} from "../../../worker/src/contracts/dev-sign-in-api";

export type {
  /** OpenAI-style error body every failing endpoint returns. */
  ErrorBody,
} from "../../../worker/src/contracts/error-api";

export type {
  /** One entry of GET /v1/models (OpenAI shape, with prices and jurisdictions). */
  PublicModel as Model,
  /** GET /v1/models (OpenAI list shape). */
  PublicModelList as ModelList,
} from "../../../worker/src/contracts/models-api";
