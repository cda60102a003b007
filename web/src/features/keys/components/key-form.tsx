import { useState, type FormEvent } from "react";
import { Field } from "../../../components/ui/field";
import { JurisdictionPicker, type JurisdictionChoice } from "../../../components/ui/jurisdiction-picker";
import { uiMessages } from "../../../components/ui/messages";
import type { ApiKey, KeyLimits } from "../../../lib/api-types";
import { fieldError, formError } from "../../../lib/form-errors";
import { useMessages } from "../../../lib/i18n";
import {
  KEY_NAME_MAX,
  parseLimit,
  validateJurisdictions,
  validateLimit,
  validateRequiredText,
  type ValidationError,
} from "../../../lib/validation";
import { keysMessages } from "../messages";

export interface KeyFormValues {
  name: string;
  limits: KeyLimits;
  allowedJurisdictions: JurisdictionChoice;
}

const LIMIT_FIELDS = ["requestsPerMinute", "tokensPerMinute", "concurrentRequests"] as const;

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
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const [submitted, setSubmitted] = useState(false);

  const errors: Record<string, ValidationError | null> = {
    name: parts.name ? validateRequiredText(name, KEY_NAME_MAX) : null,
    requestsPerMinute: parts.limits ? validateLimit(limits.requestsPerMinute) : null,
    tokensPerMinute: parts.limits ? validateLimit(limits.tokensPerMinute) : null,
    concurrentRequests: parts.limits ? validateLimit(limits.concurrentRequests) : null,
    allowedJurisdictions: parts.limits ? validateJurisdictions(jurisdictions !== null, jurisdictions ?? []) : null,
  };
  const shown = (field: string): string | null => {
    const code = errors[field];
    if (code && (touched[field] || submitted)) return tu(`validation.${code}`);
    const apiField = field === "name" || field === "allowedJurisdictions" ? field : `limits.${field}`;
    return fieldError(error, apiField);
  };
  const topError = formError(error, ["name", "limits", "allowedJurisdictions"]);

  function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (Object.values(errors).some((code) => code !== null)) return;
    onSubmit({
      name: name.trim(),
      limits: {
        requestsPerMinute: parseLimit(limits.requestsPerMinute),
        tokensPerMinute: parseLimit(limits.tokensPerMinute),
        concurrentRequests: parseLimit(limits.concurrentRequests),
      },
      allowedJurisdictions: jurisdictions,
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
