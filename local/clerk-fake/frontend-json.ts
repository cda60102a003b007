/**
 * The fake Frontend API's state and its JSON, in the shapes clerk-js deserialises (`@clerk/shared` `ClientJSON`,
 * `SessionJSON`, `SignInJSON`, `SessionVerificationJSON`, `EnvironmentJSON`; clerk-js `core/resources/*.ts`
 * `fromJSON`). Timestamps are Unix milliseconds, as Clerk sends them. One development instance with one sign-in
 * method: email address + password.
 */
import { userJson, type FakeUser } from "./clerk-users.ts";

export interface FapiSession {
  id: string;
  userId: string;
  status: "active" | "ended" | "removed";
  createdAt: number;
  lastActiveAt: number;
  /** When the first factor was last verified (sign-in or reverification): the session's `fva[0]` counts from it. */
  firstFactorVerifiedAt: number;
  /** The newest session token minted for it: clerk-js reads the session's claims from it (`last_active_token`). */
  lastActiveToken: string | null;
}

export interface FapiFactorAttempt {
  strategy: "password";
  status: "unverified" | "verified" | "failed";
  attempts: number;
}

export interface FapiSignIn {
  id: string;
  identifier: string;
  userId: string;
  status: "needs_first_factor" | "complete";
  firstFactor: FapiFactorAttempt | null;
  createdSessionId: string | null;
  createdAt: number;
}

export interface FapiSessionVerification {
  id: string;
  sessionId: string;
  level: "first_factor" | "second_factor" | "multi_factor";
  status: "needs_first_factor" | "complete";
  firstFactor: FapiFactorAttempt | null;
}

export interface FapiClient {
  id: string;
  sessions: FapiSession[];
  signIn: FapiSignIn | null;
  lastActiveSessionId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A session lives this long without activity (Clerk's default inactivity timeout is 7 days; shortened here). */
export const SESSION_LIFETIME_MS = 24 * 60 * 60 * 1000;

type UserLookup = (userId: string) => FakeUser | undefined;

function primaryEmail(user: FakeUser | undefined): string {
  return user?.emails.find((email) => email.id === user.primaryEmailId)?.value ?? user?.emails[0]?.value ?? "";
}

/** `fva`: minutes since the first factor was verified, and -1 for "no second factor". */
export function factorVerificationAge(session: FapiSession, now: number): [number, number] {
  return [Math.max(0, Math.floor((now - session.firstFactorVerifiedAt) / 60_000)), -1];
}

function verificationJson(attempt: FapiFactorAttempt | null) {
  if (!attempt) return null;
  return {
    object: "verification",
    status: attempt.status,
    strategy: attempt.strategy,
    attempts: attempt.attempts,
    expire_at: null,
    error: null,
    verified_at_client: null,
  };
}

const passwordFactor = { strategy: "password" } as const;

export function sessionJson(session: FapiSession, users: UserLookup, now: number) {
  const user = users(session.userId);
  return {
    object: "session",
    id: session.id,
    status: session.status,
    factor_verification_age: factorVerificationAge(session, now),
    expire_at: session.lastActiveAt + SESSION_LIFETIME_MS,
    abandon_at: session.createdAt + 30 * SESSION_LIFETIME_MS,
    last_active_at: session.lastActiveAt,
    last_active_token: session.lastActiveToken ? { object: "token", jwt: session.lastActiveToken } : null,
    last_active_organization_id: null,
    actor: null,
    tasks: null,
    user: user ? userJson(user) : null,
    public_user_data: {
      first_name: user?.firstName ?? null,
      last_name: user?.lastName ?? null,
      image_url: "",
      has_image: false,
      identifier: primaryEmail(user),
      user_id: session.userId,
    },
    created_at: session.createdAt,
    updated_at: session.lastActiveAt,
  };
}

export function signInJson(signIn: FapiSignIn, users: UserLookup) {
  const user = users(signIn.userId);
  return {
    object: "sign_in",
    id: signIn.id,
    status: signIn.status,
    supported_identifiers: ["email_address"],
    identifier: signIn.identifier,
    user_data: {
      first_name: user?.firstName ?? null,
      last_name: user?.lastName ?? null,
      image_url: "",
      has_image: false,
    },
    supported_first_factors: [passwordFactor],
    supported_second_factors: null,
    first_factor_verification: verificationJson(signIn.firstFactor),
    second_factor_verification: null,
    created_session_id: signIn.createdSessionId,
    abandon_at: signIn.createdAt + SESSION_LIFETIME_MS,
  };
}

export function sessionVerificationJson(
  verification: FapiSessionVerification,
  session: FapiSession,
  users: UserLookup,
  now: number,
) {
  return {
    object: "session_verification",
    id: verification.id,
    status: verification.status,
    level: verification.level,
    session: sessionJson(session, users, now),
    first_factor_verification: verificationJson(verification.firstFactor),
    second_factor_verification: null,
    supported_first_factors: [passwordFactor],
    supported_second_factors: null,
  };
}

/** Only the client's live sessions are listed, as Clerk does; ended ones drop out of `sessions`. */
export function clientJson(client: FapiClient, users: UserLookup, now: number) {
  const live = client.sessions.filter((session) => session.status === "active");
  return {
    object: "client",
    id: client.id,
    sessions: live.map((session) => sessionJson(session, users, now)),
    sign_in: client.signIn && client.signIn.status !== "complete" ? signInJson(client.signIn, users) : null,
    sign_up: null,
    last_active_session_id: live.some((session) => session.id === client.lastActiveSessionId)
      ? client.lastActiveSessionId
      : null,
    last_authentication_strategy: null,
    cookie_expires_at: null,
    captcha_bypass: false,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}

function attribute(enabled: boolean, usedForFirstFactor: boolean) {
  return {
    enabled,
    required: enabled,
    used_for_first_factor: usedForFirstFactor,
    first_factors: [],
    used_for_second_factor: false,
    second_factors: [],
    verifications: enabled && usedForFirstFactor ? ["email_code"] : [],
    verify_at_sign_up: false,
  };
}

/**
 * The instance's settings (`GET /v1/environment`): sign-in with email address and password only, sign-up restricted
 * (accounts are made by omnizen, not by visitors), no social or enterprise connections, organisations, billing,
 * captcha or telemetry-bearing features, no images from Clerk's CDN.
 */
export function environmentJson(applicationName: string) {
  const disabled = attribute(false, false);
  return {
    object: "environment",
    id: "env_omnizen_local",
    auth_config: { object: "auth_config", id: "aac_omnizen_local", single_session_mode: true, reverification: true },
    display_config: {
      object: "display_config",
      id: "display_config_omnizen_local",
      instance_environment_type: "development",
      application_name: applicationName,
      theme: { general: { color: "#1f6feb" }, buttons: {}, accounts: {} },
      preferred_sign_in_strategy: "password",
      logo_image_url: null,
      favicon_image_url: null,
      home_url: "",
      sign_in_url: "",
      sign_up_url: "",
      user_profile_url: "",
      after_sign_in_url: "",
      after_sign_up_url: "",
      after_sign_out_one_url: "",
      after_sign_out_all_url: "",
      after_switch_session_url: "",
      organization_profile_url: "",
      create_organization_url: "",
      after_leave_organization_url: "",
      after_create_organization_url: "",
      support_email: null,
      branded: false,
      show_devmode_warning: false,
      captcha_public_key: null,
      captcha_widget_type: null,
      captcha_provider: null,
      captcha_public_key_invisible: null,
      captcha_oauth_bypass: [],
      captcha_heartbeat: false,
      google_one_tap_client_id: null,
      privacy_policy_url: null,
      terms_url: null,
      waitlist_url: "",
      after_join_waitlist_url: "",
    },
    user_settings: {
      attributes: {
        email_address: attribute(true, true),
        phone_number: disabled,
        username: disabled,
        web3_wallet: disabled,
        first_name: disabled,
        last_name: disabled,
        password: { ...attribute(true, false), verifications: [] },
        authenticator_app: disabled,
        backup_code: disabled,
        passkey: disabled,
      },
      actions: { delete_self: false, create_organization: false },
      social: {},
      saml: { enabled: false },
      enterprise_sso: { enabled: false },
      sign_in: { second_factor: { required: false } },
      sign_up: {
        custom_action_required: false,
        progressive: true,
        captcha_enabled: false,
        disable_hibp: true,
        mode: "restricted",
        mfa: { required: false },
      },
      restrictions: { allowlist: { enabled: false }, blocklist: { enabled: false } },
      password_settings: {
        allowed_special_characters: "",
        max_length: 0,
        min_length: 8,
        require_special_char: false,
        require_numbers: false,
        require_lowercase: false,
        require_uppercase: false,
        disable_hibp: true,
        show_zxcvbn: false,
        min_zxcvbn_strength: 0,
      },
      passkey_settings: { allow_autofill: false, show_sign_in_button: false },
      attack_protection: { enumeration_protection: { enabled: false } },
    },
    organization_settings: {
      enabled: false,
      max_allowed_memberships: 0,
      force_organization_selection: false,
      actions: { admin_delete: false },
      domains: { enabled: false, enrollment_modes: [], default_role: null },
      slug: { disabled: true },
      organization_creation_defaults: { enabled: false },
    },
    commerce_settings: {
      object: "commerce_settings",
      id: "commerce_settings_omnizen_local",
      billing: {
        user: { enabled: false, has_paid_plans: false },
        organization: { enabled: false, has_paid_plans: false },
        stripe_publishable_key: "",
      },
    },
    api_keys_settings: { user_api_keys_enabled: false, orgs_api_keys_enabled: false },
    protect_config: { object: "protect_config", id: "protect_config_omnizen_local", loaders: [] },
    maintenance_mode: false,
    client_debug_mode: false,
  };
}
