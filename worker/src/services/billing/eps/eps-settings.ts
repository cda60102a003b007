/** EPS's settings from the validated config: all EPS_* variables set (env.ts enforces all or none), or null. */
import type { Config } from "../../../env.ts";

export interface EpsSettings {
  baseUrl: string;
  userName: string;
  password: string;
  hashKey: string;
  merchantId: string;
  storeId: string;
  ipnSecret: string;
}

export function epsSettings(config: Config): EpsSettings | null {
  const { EPS_BASE_URL, EPS_USERNAME, EPS_PASSWORD, EPS_HASH_KEY, EPS_MERCHANT_ID, EPS_STORE_ID, EPS_IPN_SECRET } =
    config;
  if (!EPS_BASE_URL || !EPS_USERNAME || !EPS_PASSWORD || !EPS_HASH_KEY || !EPS_MERCHANT_ID || !EPS_STORE_ID)
    return null;
  if (!EPS_IPN_SECRET) return null;
  return {
    baseUrl: EPS_BASE_URL.replace(/\/+$/, ""),
    userName: EPS_USERNAME,
    password: EPS_PASSWORD,
    hashKey: EPS_HASH_KEY,
    merchantId: EPS_MERCHANT_ID,
    storeId: EPS_STORE_ID,
    ipnSecret: EPS_IPN_SECRET,
  };
}
