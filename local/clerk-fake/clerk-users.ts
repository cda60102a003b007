/**
 * The fake Clerk's user store and its JSON, shaped like the Backend API's `UserJSON`, `EmailAddressJSON` and
 * `PhoneNumberJSON` closely enough for `@clerk/backend`'s deserializer. In memory; users appear on first use.
 */
import { randomBytes } from "node:crypto";

export interface FakeIdentifier {
  id: string;
  value: string;
  verified: boolean;
}

export interface FakeUser {
  id: string;
  firstName: string | null;
  lastName: string | null;
  emails: FakeIdentifier[];
  phones: FakeIdentifier[];
  primaryEmailId: string | null;
  primaryPhoneId: string | null;
  /** Set through `PATCH /v1/users/{id}` (`password`); the Frontend API fake signs in with it. */
  password: string | null;
  createdAt: number;
  updatedAt: number;
}

export const fakeId = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;

export function blankUser(id: string): FakeUser {
  const now = Date.now();
  return {
    id,
    firstName: null,
    lastName: null,
    emails: [],
    phones: [],
    primaryEmailId: null,
    primaryPhoneId: null,
    password: null,
    createdAt: now,
    updatedAt: now,
  };
}

function verificationJson(identifier: FakeIdentifier, strategy: string) {
  return {
    object: "verification",
    status: identifier.verified ? "verified" : "unverified",
    strategy,
    attempts: null,
    expire_at: null,
  };
}

export function emailJson(identifier: FakeIdentifier) {
  return {
    object: "email_address",
    id: identifier.id,
    email_address: identifier.value,
    verification: verificationJson(identifier, "email_code"),
    linked_to: [],
  };
}

export function phoneJson(identifier: FakeIdentifier) {
  return {
    object: "phone_number",
    id: identifier.id,
    phone_number: identifier.value,
    reserved_for_second_factor: false,
    default_second_factor: false,
    verification: verificationJson(identifier, "phone_code"),
    linked_to: [],
  };
}

export function userJson(user: FakeUser) {
  return {
    object: "user",
    id: user.id,
    username: null,
    first_name: user.firstName,
    last_name: user.lastName,
    image_url: "",
    has_image: false,
    primary_email_address_id: user.primaryEmailId,
    primary_phone_number_id: user.primaryPhoneId,
    primary_web3_wallet_id: null,
    password_enabled: user.password !== null,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    email_addresses: user.emails.map(emailJson),
    phone_numbers: user.phones.map(phoneJson),
    web3_wallets: [],
    external_accounts: [],
    enterprise_accounts: [],
    public_metadata: {},
    private_metadata: {},
    unsafe_metadata: {},
    external_id: null,
    last_sign_in_at: null,
    banned: false,
    locked: false,
    deprovisioned: false,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    last_active_at: null,
    create_organization_enabled: false,
    delete_self_enabled: true,
    legal_accepted_at: null,
    locale: null,
    timezone: null,
  };
}
