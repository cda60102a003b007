import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Field } from "../../../components/ui/field";
import { JurisdictionPicker, type JurisdictionChoice } from "../../../components/ui/jurisdiction-picker";
import { uiMessages } from "../../../components/ui/messages";
import type { ApiKey, KeyLimits, KeySpendLimit, SpendPeriod } from "../../../lib/api-types";
import { fieldError, formError } from "../../../lib/form-errors";
import { useApi } from "../../../lib/api-context";
import { useMessages } from "../../../lib/i18n";
import {
  dateToUtcInstant,
  KEY_NAME_MAX,
  parseLimit,
  parseUsdToMicroUsd,
  validateFutureDate,
  validateJurisdictions,
  validateLimit,
  validateRequiredText,
  validateUsdAmount,
  type ValidationError,
} from "../../../lib/validation";
import { keysMessages } from "../messages";
import { aliasMapToRows, aliasRowsToMap, validateAliasRows, type AliasRow } from "../model-aliases";
import { ModelAliasesEditor } from "./model-aliases-editor";

export interface KeyFormValues {
  name: string;
  limits: KeyLimits;
  allowedJurisdictions: JurisdictionChoice;
  spendLimit: KeySpendLimit | null;
  /** Absent when the expiry was left as it was (an expired key can still be edited otherwise). */
  expiresAt?: string | null;
  /** The key's whole alias map (alias -> catalog model id). */
  modelAliases: Record<string, string>;
}

const LIMIT_FIELDS = ["requestsPerMinute", "tokensPerMinute", "concurrentRequests"] as const;
const SPEND_PERIODS: readonly SpendPeriod[] = ["daily", "weekly", "monthly", "none"];

/** Integer micro-USD as the dollars a person types: 5000000 → "5", 2500000 → "2.5". */
function microUsdToInput(amount: number): string {
  const cents = String(amount % 1_000_000)
    .padStart(6, "0")
    .replace(/0+$/, "");
  return cents === "" ? String(Math.floor(amount / 1_000_000)) : `${Math.floor(amount / 1_000_000)}.${cents}`;
}

interface KeyFormProps {
  /** Which parts the form edits. */
  parts: { name: boolean; limits: boolean };
  initial?: ApiKey;
  submitLabel: string;
  submitTestId: string;
  busy: boolean;
  /** The API's error of the last attempt (its message goes next to the field it names). */
  error: unknown;
  onSubmit(values: KeyFormValues): void;
  onCancel(): void;
}

/** Name, per-key limits and jurisdictions; validated as the user types; what they typed stays after a failure. */
export function KeyForm({ parts, initial, submitLabel, submitTestId, busy, error, onSubmit, onCancel }: KeyFormProps) {
  const t = useMessages(keysMessages);
  const tu = useMessages(uiMessages);
  const [name, setName] = useState(initial?.name ?? "");
  const [limits, setLimits] = useState<Record<(typeof LIMIT_FIELDS)[number], string>>(() => ({
    requestsPerMinute: String(initial?.limits.requestsPerMinute ?? ""),
    tokensPerMinute: String(initial?.limits.tokensPerMinute ?? ""),
    concurrentRequests: String(initial?.limits.concurrentRequests ?? ""),
  }));
  const [jurisdictions, setJurisdictions] = useState<JurisdictionChoice>(initial?.allowedJurisdictions ?? null);
  const [spendAmount, setSpendAmount] = useState(
    initial?.spendLimit ? microUsdToInput(initial.spendLimit.amountMicroUsd) : "",
  );
  const [spendPeriod, setSpendPeriod] = useState<SpendPeriod>(initial?.spendLimit?.period ?? "monthly");
  const initialExpiry = initial?.expiresAt?.slice(0, 10) ?? "";
  const [expiresOn, setExpiresOn] = useState(initialExpiry);
  const [aliasRows, setAliasRows] = useState<AliasRow[]>(() => aliasMapToRows(initial?.modelAliases));
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const [submitted, setSubmitted] = useState(false);
  const api = useApi();
  const catalog = useQuery({
    queryKey: ["models", "catalog"],
    queryFn: ({ signal }) => api.getModelCatalog({ signal }),
    enabled: parts.limits,
  });
  const catalogIds = catalog.data ? new Set(catalog.data.data.map((model) => model.id)) : null;
  // A new row shows its error once the user typed in it or tried to save.
  const aliasErrors = parts.limits
    ? validateAliasRows(aliasRows, catalogIds).map((code) => (touched.modelAliases || submitted ? code : null))
    : [];

  const errors: Record<string, ValidationError | null> = {
    name: parts.name ? validateRequiredText(name, KEY_NAME_MAX) : null,
    requestsPerMinute: parts.limits ? validateLimit(limits.requestsPerMinute) : null,
    tokensPerMinute: parts.limits ? validateLimit(limits.tokensPerMinute) : null,
    concurrentRequests: parts.limits ? validateLimit(limits.concurrentRequests) : null,
    allowedJurisdictions: parts.limits ? validateJurisdictions(jurisdictions !== null, jurisdictions ?? []) : null,
    spendLimit: parts.limits ? validateUsdAmount(spendAmount) : null,
    expiresAt: parts.limits && expiresOn !== initialExpiry ? validateFutureDate(expiresOn) : null,
  };
  const shown = (field: string): string | null => {
    const code = errors[field];
    if (code && (touched[field] || submitted)) return tu(`validation.${code}`);
    const apiField = ["name", "allowedJurisdictions", "spendLimit", "expiresAt"].includes(field)
      ? field
      : `limits.${field}`;
    return fieldError(error, apiField);
  };
  const topError = formError(error, [
    "name",
    "limits",
    "allowedJurisdictions",
    "spendLimit",
    "expiresAt",
    "modelAliases",
  ]);

  function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (Object.values(errors).some((code) => code !== null)) return;
    if (parts.limits && validateAliasRows(aliasRows, catalogIds).some((code) => code !== null)) return;
    onSubmit({
      name: name.trim(),
      limits: {
        requestsPerMinute: parseLimit(limits.requestsPerMinute),
        tokensPerMinute: parseLimit(limits.tokensPerMinute),
        concurrentRequests: parseLimit(limits.concurrentRequests),
      },
      allowedJurisdictions: jurisdictions,
      spendLimit:
        spendAmount.trim() === ""
          ? null
          : { amountMicroUsd: parseUsdToMicroUsd(spendAmount) ?? 0, period: spendPeriod },
      ...(expiresOn !== initialExpiry && { expiresAt: expiresOn.trim() === "" ? null : dateToUtcInstant(expiresOn) }),
      modelAliases: aliasRowsToMap(aliasRows),
    });
  }

  return (
    <form className="form" noValidate onSubmit={submit}>
      {topError ? (
        <p className="field-error" role="alert">
          {t("saveFailed", { message: topError })}
        </p>
      ) : null}
      {parts.name ? (
        <Field label={t("name")} hint={t("nameHint")} error={shown("name")}>
          {(props) => (
            <input
              {...props}
              data-testid="key-name-input"
              value={name}
              maxLength={KEY_NAME_MAX + 20}
              autoComplete="off"
              onChange={(event) => {
                setName(event.target.value);
                setTouched((value) => ({ ...value, name: true }));
              }}
            />
          )}
        </Field>
      ) : null}
      {parts.limits ? (
        <>
          <fieldset className="limits">
            <legend>{t("limitsLegend")}</legend>
            <p className="field-hint">{t("limitsHint")}</p>
            {LIMIT_FIELDS.map((field) => (
              <Field key={field} label={t(field)} error={shown(field)}>
                {(props) => (
                  <input
                    {...props}
                    inputMode="numeric"
                    name={field}
                    value={limits[field]}
                    onChange={(event) => {
                      setLimits((value) => ({ ...value, [field]: event.target.value }));
                      setTouched((value) => ({ ...value, [field]: true }));
                    }}
                  />
                )}
              </Field>
            ))}
          </fieldset>
          <fieldset className="limits">
            <legend>{t("spendLegend")}</legend>
            <p className="field-hint">{t("spendHint")}</p>
            <Field label={t("spendAmount")} error={shown("spendLimit")}>
              {(props) => (
                <input
                  {...props}
                  inputMode="decimal"
                  name="spendAmount"
                  data-testid="key-spend-amount"
                  value={spendAmount}
                  onChange={(event) => {
                    setSpendAmount(event.target.value);
                    setTouched((value) => ({ ...value, spendLimit: true }));
                  }}
                />
              )}
            </Field>
            <Field label={t("spendPeriod")} error={null}>
              {(props) => (
                <select
                  {...props}
                  name="spendPeriod"
                  data-testid="key-spend-period"
                  value={spendPeriod}
                  onChange={(event) => setSpendPeriod(event.target.value as SpendPeriod)}
                >
                  {SPEND_PERIODS.map((period) => (
                    <option key={period} value={period}>
                      {t(`period_${period}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t("expiresOn")} hint={t("expiresHint")} error={shown("expiresAt")}>
              {(props) => (
                <input
                  {...props}
                  type="date"
                  name="expiresOn"
                  data-testid="key-expires-on"
                  value={expiresOn}
                  onChange={(event) => {
                    setExpiresOn(event.target.value);
                    setTouched((value) => ({ ...value, expiresAt: true }));
                  }}
                />
              )}
            </Field>
          </fieldset>
          <ModelAliasesEditor
            rows={aliasRows}
            models={catalog.data?.data ?? []}
            errors={aliasErrors}
            apiError={fieldError(error, "modelAliases")}
            onChange={(rows) => {
              setAliasRows(rows);
              setTouched((value) => ({ ...value, modelAliases: true }));
            }}
          />
          <JurisdictionPicker
            name="key-jurisdictions"
            value={jurisdictions}
            error={shown("allowedJurisdictions")}
            onChange={(value) => {
              setJurisdictions(value);
              setTouched((touchedValue) => ({ ...touchedValue, allowedJurisdictions: true }));
            }}
          />
        </>
      ) : null}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {tu("cancel")}
        </button>
        <button type="submit" className="button-primary" data-testid={submitTestId} disabled={busy}>
          {busy ? t("saving") : submitLabel}
        </button>
      </div>
    </form>
  );
}
