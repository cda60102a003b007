/**
 * The worker's vars and secrets, validated once per `env` object with zod. A missing or malformed value fails the
 * request with one readable list of problems (logged), never a half-configured gateway.
 */
import * as z from "zod";
import { ENDPOINT_FAMILIES, type EndpointFamily } from "./catalog/types.ts";
import { LITELLM_PROVIDER_IDS } from "./providers/litellm/litellm-models.ts";
import { PROVIDER_IDS, type ProviderId } from "./providers/provider-ids.ts";

/** Taka per US dollar when `BDT_PER_USD` is unset: a round figure near recent interbank rates; set your own. */
export const DEFAULT_BDT_PER_USD = "122";

const optionalUrl = z.url().optional();
const optionalSecret = z.string().min(1).optional();
const optionalPem = (kind: "PUBLIC KEY" | "PRIVATE KEY") =>
  z
    .string()
    .includes(`-----BEGIN ${kind}-----`, { message: `must be a PEM ${kind.toLowerCase()}` })
    .optional();
/** Comma-separated origins (`https://app.example.com,http://localhost:5173`), parsed to a list; empty = none. */
const originList = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(",")
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ""),
  )
  .pipe(
    z.array(
      z
        .url()
        .refine(
          (origin) => new URL(origin).origin === origin,
          "each entry must be a bare origin such as https://app.example.com",
        ),
    ),
  );

/** Comma-separated provider ids relayed through LiteLLM (docs/litellm.md), parsed to a list; empty = none. */
const liteLLMProviders = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(",")
      .map((provider) => provider.trim().toLowerCase())
      .filter((provider) => provider !== ""),
  )
  .pipe(
    z.array(
      z.enum(LITELLM_PROVIDER_IDS, {
        error: `each entry must be one of ${LITELLM_PROVIDER_IDS.join(", ")} (the OpenAI-dialect providers)`,
      }),
    ),
  );

/** EPS's settings: all set (EPS checkout on) or none. */
export const EPS_VARIABLES = [
  "EPS_BASE_URL",
  "EPS_USERNAME",
  "EPS_PASSWORD",
  "EPS_HASH_KEY",
  "EPS_MERCHANT_ID",
  "EPS_STORE_ID",
  "EPS_IPN_SECRET",
] as const;

type CredentialPrefix = Uppercase<ProviderId> | EndpointFamily;
const CREDENTIAL_PREFIXES: readonly CredentialPrefix[] = [
  ...PROVIDER_IDS.map((id) => id.toUpperCase() as Uppercase<ProviderId>),
  ...ENDPOINT_FAMILIES,
];

const providerFields = Object.fromEntries(
  CREDENTIAL_PREFIXES.flatMap((prefix) => [
    [`${prefix}_API_KEY`, optionalSecret],
    [`${prefix}_BASE_URL`, optionalUrl],
  ]),
) as Record<`${CredentialPrefix}_API_KEY` | `${CredentialPrefix}_BASE_URL`, z.ZodOptional<z.ZodString>>;

const envSchema = z
  .object({
    OMNIZEN_ENV: z.enum(["production", "development", "test"]).default("production"),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection string"),
    /** Local only: host:port of the Neon wsproxy stand-in (local/neon-bridge). */
    NEON_WS_PROXY: z
      .string()
      .regex(/^[\w.-]+:\d+$/, "must be host:port")
      .optional(),
    UPSTASH_REDIS_REST_URL: z.url(),
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
    /** Server secret of the prompt cache's keyed hash; without it the cache is off (every request BYPASS). */
    PROMPT_CACHE_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    MAX_REQUEST_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
    /**
     * How long an isolate keeps an idle edge lease (services/hot-path/edge-lease.ts) before giving it back: a key seen
     * within it is admitted from memory. At most 25 s (the lease is given back inside waitUntil's 30 s).
     */
    EDGE_LEASE_QUIET_MS: z.coerce.number().int().min(50).max(25_000).default(15_000),
    /** Clerk's PEM public key: dashboard session tokens are verified with it, without a network call. */
    CLERK_JWT_KEY: optionalPem("PUBLIC KEY"),
    /** Origins of the SPA: the only accepted `azp` of session tokens, and the CORS origins of /api. */
    CLERK_AUTHORIZED_PARTIES: originList,
    /**
     * The `iss` of Clerk's session tokens: the instance's Frontend API URL (e.g. `https://clerk.omnizen.ai`). Required
     * in production with CLERK_JWT_KEY; locally, unset means the dev sign-in's own issuer (dev-session.ts).
     */
    CLERK_ISSUER: z.url().optional(),
    /** Clerk Backend API key (profile changes, deletion); required in production, optional locally (local row only). */
    CLERK_SECRET_KEY: optionalSecret,
    /** Clerk Backend API base URL; overridden by tests to point at local/clerk-fake. */
    CLERK_API_URL: z.url().default("https://api.clerk.com"),
    /** `whsec_...` secret of the Clerk webhook endpoint (Svix); without it /webhooks/clerk answers 503. */
    CLERK_WEBHOOK_SIGNING_SECRET: z.string().startsWith("whsec_", "must start with whsec_").optional(),
    /** Local only: PEM private key that lets POST /api/dev/sign-in mint session tokens. Refused in production. */
    DEV_SIGNING_KEY: optionalPem("PRIVATE KEY"),
    /** Local only: the gateway's port; when set, POST /api/dev/sign-in answers only requests addressed to it. */
    DEV_GATEWAY_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
    /**
     * Taka per US dollar, to show prices in BDT on the dashboard (`GET /api/models`): an integer or decimal string
     * such as `122` or `121.75`, set by hand (configuration, not a live rate).
     */
    BDT_PER_USD: z
      .string()
      .trim()
      .regex(/^\d{1,6}(\.\d{1,6})?$/, "must be a positive number of taka per US dollar, e.g. 122 or 121.75")
      .default(DEFAULT_BDT_PER_USD)
      .transform(Number)
      .pipe(z.number().positive("must be greater than 0")),
    /**
     * EPS (BDT payments, docs/billing.md): the API base (`https://pgapi.eps.com.bd`, sandbox
     * `https://sandboxpgapi.eps.com.bd`) and the merchant's credentials from EPS. All or none: without them the EPS
     * checkout answers 503.
     */
    EPS_BASE_URL: optionalUrl,
    EPS_USERNAME: optionalSecret,
    EPS_PASSWORD: optionalSecret,
    /** The "Hash Key", used as a raw UTF-8 string for the x-hash HMAC (never base64-decoded). */
    EPS_HASH_KEY: optionalSecret,
    EPS_MERCHANT_ID: optionalSecret,
    EPS_STORE_ID: optionalSecret,
    /** The IPN "Secret Key" that decrypts `POST /webhooks/eps` bodies. */
    EPS_IPN_SECRET: optionalSecret,
    /** Stripe secret (or restricted) key; without it the Stripe checkouts answer 503 (docs/billing.md). */
    STRIPE_SECRET_KEY: z
      .string()
      .regex(/^(sk|rk)_(test|live)_\w+$/, "must be a Stripe secret key (sk_test_..., sk_live_... or rk_...)")
      .optional(),
    /** `whsec_...` signing secret of the Stripe webhook endpoint (`/webhooks/stripe`); without it that answers 503. */
    STRIPE_WEBHOOK_SECRET: z.string().startsWith("whsec_", "must start with whsec_").optional(),
    /** Local only: the Stripe simulator's base URL (local/stripe-sim), e.g. http://127.0.0.1:12111. */
    STRIPE_API_BASE: optionalUrl,
    /** Sentry DSN; without it errors are not reported (worker/src/services/error-reporter). */
    SENTRY_DSN: optionalUrl,
    ...providerFields,
    /**
     * A self-hosted LiteLLM proxy that relays the listed providers' traffic (docs/litellm.md): its OpenAI-compatible
     * base URL (e.g. `https://litellm.internal.example.com/v1`), its key, and the providers (`deepseek,qwen`).
     */
    LITELLM_BASE_URL: optionalUrl,
    LITELLM_API_KEY: optionalSecret,
    LITELLM_PROVIDERS: liteLLMProviders,
  })
  .superRefine((env, context) => {
    if (env.OMNIZEN_ENV === "production" && env.NEON_WS_PROXY) {
      context.addIssue({ code: "custom", path: ["NEON_WS_PROXY"], message: "is a local development setting" });
    }
    if (env.OMNIZEN_ENV === "production") {
      // Policy 4.1: data is encrypted in transit. Every outbound endpoint must be TLS in production.
      for (const [name, value] of Object.entries(env)) {
        const isEndpoint =
          name.endsWith("_BASE_URL") ||
          ["UPSTASH_REDIS_REST_URL", "CLERK_API_URL", "CLERK_ISSUER", "SENTRY_DSN"].includes(name);
        if (isEndpoint && typeof value === "string" && !value.startsWith("https://")) {
          context.addIssue({
            code: "custom",
            path: [name],
            message: "must be an https:// URL in production (policy 4.1)",
          });
        }
      }
      if (/[?&]sslmode=(disable|allow|prefer)\b/.test(env.DATABASE_URL)) {
        context.addIssue({
          code: "custom",
          path: ["DATABASE_URL"],
          message: "must not disable TLS in production (policy 4.1)",
        });
      }
    }
    if (env.OMNIZEN_ENV === "production" && env.STRIPE_API_BASE) {
      context.addIssue({ code: "custom", path: ["STRIPE_API_BASE"], message: "is a local development setting" });
    }
    if (env.OMNIZEN_ENV === "production" && env.DEV_SIGNING_KEY) {
      context.addIssue({
        code: "custom",
        path: ["DEV_SIGNING_KEY"],
        message: "is a local development setting (it would let anyone sign in)",
      });
    }
    if (env.LITELLM_PROVIDERS.length > 0) {
      for (const name of ["LITELLM_BASE_URL", "LITELLM_API_KEY"] as const) {
        if (!env[name])
          context.addIssue({ code: "custom", path: [name], message: "is required with LITELLM_PROVIDERS" });
      }
    }
    const epsNames = EPS_VARIABLES.filter((name) => env[name] === undefined);
    if (epsNames.length > 0 && epsNames.length < EPS_VARIABLES.length) {
      for (const name of epsNames)
        context.addIssue({ code: "custom", path: [name], message: "is required when any EPS_* variable is set" });
    }
    if (env.OMNIZEN_ENV === "production")
      productionIdentityIssues(env).forEach((issue) => context.addIssue({ code: "custom", ...issue }));
  });

/** Production's identity settings: Clerk's secrets present, the token issuer named, SPA origins public and TLS-only. */
function productionIdentityIssues(env: {
  CLERK_JWT_KEY?: string | undefined;
  CLERK_ISSUER?: string | undefined;
  CLERK_SECRET_KEY?: string | undefined;
  CLERK_WEBHOOK_SIGNING_SECRET?: string | undefined;
  CLERK_AUTHORIZED_PARTIES: string[];
}): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  if (!env.CLERK_SECRET_KEY)
    issues.push({
      path: ["CLERK_SECRET_KEY"],
      message: "is required in production (account deletion must reach Clerk)",
    });
  if (!env.CLERK_WEBHOOK_SIGNING_SECRET) {
    issues.push({
      path: ["CLERK_WEBHOOK_SIGNING_SECRET"],
      message: "is required in production (Clerk's user.updated and user.deleted events)",
    });
  }
  if (env.CLERK_JWT_KEY && env.CLERK_AUTHORIZED_PARTIES.length === 0) {
    issues.push({
      path: ["CLERK_AUTHORIZED_PARTIES"],
      message: "must list the SPA origin(s) when CLERK_JWT_KEY is set",
    });
  }
  if (env.CLERK_JWT_KEY && !env.CLERK_ISSUER) {
    issues.push({
      path: ["CLERK_ISSUER"],
      message: "must name the Clerk Frontend API URL (the tokens' iss) when CLERK_JWT_KEY is set",
    });
  }
  for (const origin of env.CLERK_AUTHORIZED_PARTIES) {
    const url = new URL(origin);
    if (url.protocol !== "https:")
      issues.push({
        path: ["CLERK_AUTHORIZED_PARTIES"],
        message: `${origin} must be an https:// origin in production (policy 4.1)`,
      });
    if (isLoopbackHost(url.hostname))
      issues.push({
        path: ["CLERK_AUTHORIZED_PARTIES"],
        message: `${origin} is a local origin, refused in production`,
      });
  }
  return issues;
}

/** localhost, *.localhost, 127.0.0.0/8, [::1] and 0.0.0.0: names that reach the caller's own machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    host === "[::1]" ||
    host === "::1" ||
    host === "0.0.0.0"
  );
}

export type Config = z.infer<typeof envSchema>;

export interface ProviderConfig {
  apiKey: string | undefined;
  baseUrl: string | undefined;
}

const parsed = new WeakMap<object, Config>();

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the bindings; cached per env object (immutable for an isolate's lifetime). */
export function loadConfig(env: object): Config {
  const cached = parsed.get(env);
  if (cached) return cached;
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new ConfigError(`invalid worker configuration: ${problems}`);
  }
  parsed.set(env, result.data);
  return result.data;
}

/** The key and base-URL override of a provider, or of a regional endpoint family when given. */
export function providerConfig(config: Config, provider: ProviderId, family?: EndpointFamily): ProviderConfig {
  const prefix: CredentialPrefix = family ?? (provider.toUpperCase() as Uppercase<ProviderId>);
  return { apiKey: config[`${prefix}_API_KEY`], baseUrl: config[`${prefix}_BASE_URL`] };
}
