import { useState, type FormEvent } from "react";
import { Field } from "../../../components/ui/field";
import type { BillingCatalog, BillingStatus } from "../../../lib/api-types";
import { formatMoney, formatNumber } from "../../../lib/format";
import { fieldError, formError } from "../../../lib/form-errors";
import { useLocale, useMessages } from "../../../lib/i18n";
import { useSaveAutoTopup } from "../api/billing-queries";
import { billingMessages } from "../messages";
import { formatPrice, parseUsdInput, usdInputValue } from "../price";

const FIELDS = ["enabled", "thresholdMicroUsd", "packId"] as const;

/**
 * Auto top-up: on or off, the balance that triggers it and the pack it buys. Checked here, then by the API. The
 * fields start from the status when the form mounts; a save keeps what the user typed (the answer echoes it).
 */
export function AutoTopupForm({ catalog, status }: { catalog: BillingCatalog; status: BillingStatus }) {
  const t = useMessages(billingMessages);
  const { locale } = useLocale();
  const save = useSaveAutoTopup();
  const settings = status.autoTopup;
  const bounds = catalog.autoTopup;
  const [enabled, setEnabled] = useState(settings.enabled);
  const [threshold, setThreshold] = useState(
    usdInputValue(settings.thresholdMicroUsd ?? Math.max(bounds.minThresholdMicroUsd, 5_000_000)),
  );
  const [packId, setPackId] = useState(settings.packId ?? bounds.packIds[0] ?? "");
  const [touched, setTouched] = useState(false);
  const [saved, setSaved] = useState(false);

  const min = formatMoney(bounds.minThresholdMicroUsd, locale);
  const max = formatMoney(bounds.maxThresholdMicroUsd, locale);
  const thresholdMicroUsd = parseUsdInput(threshold);
  const thresholdProblem =
    thresholdMicroUsd === null
      ? t("autoThresholdInvalid")
      : thresholdMicroUsd < bounds.minThresholdMicroUsd || thresholdMicroUsd > bounds.maxThresholdMicroUsd
        ? t("autoThresholdRange", { min, max })
        : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (thresholdProblem || thresholdMicroUsd === null) return;
    save.mutate({ enabled, thresholdMicroUsd, packId }, { onSuccess: () => setSaved(true) });
  }
  const change = () => {
    setSaved(false);
    save.reset();
  };
  const apiMessage = (field: string) => {
    const message = fieldError(save.error, field);
    return message ? `${t("saveFailed")} ${message}` : null;
  };
  const topError = formError(save.error, FIELDS);

  return (
    <section className="card" aria-labelledby="auto-topup-title">
      <h2 id="auto-topup-title">{t("autoTitle")}</h2>
      <p>{t("autoExplain")}</p>
      {!settings.hasSavedCard ? (
        <p className="warning" data-testid="auto-topup-no-card">
          {t("autoNoCard")}
        </p>
      ) : null}
      {settings.declines > 0 ? (
        <p className="warning">
          {t("autoDeclines", {
            count: formatNumber(settings.declines, locale),
            max: formatNumber(bounds.maxDeclines, locale),
          })}
        </p>
      ) : null}
      <form className="form" noValidate onSubmit={submit}>
        <label className="choice">
          <input
            type="checkbox"
            data-testid="auto-topup-enabled"
            checked={enabled}
            onChange={(event) => {
              setEnabled(event.target.checked);
              change();
            }}
          />
          {t("autoEnabled")}
        </label>
        <Field
          label={t("autoThreshold")}
          hint={t("autoThresholdHint", { min, max })}
          error={(touched ? thresholdProblem : null) ?? apiMessage("thresholdMicroUsd")}
        >
          {(props) => (
            <input
              {...props}
              type="text"
              inputMode="decimal"
              autoComplete="off"
              data-testid="auto-topup-threshold"
              value={threshold}
              onChange={(event) => {
                setThreshold(event.target.value);
                change();
              }}
            />
          )}
        </Field>
        <Field label={t("autoPack")} error={apiMessage("packId")}>
          {(props) => (
            <select
              {...props}
              data-testid="auto-topup-pack"
              value={packId}
              onChange={(event) => {
                setPackId(event.target.value);
                change();
              }}
            >
              {bounds.packIds.map((id) => {
                const pack = catalog.packs.find((candidate) => candidate.id === id);
                if (!pack) return null;
                return (
                  <option key={id} value={id}>
                    {t("autoPackOption", {
                      credit: formatMoney(pack.creditMicroUsd, locale),
                      price: formatPrice(pack.priceUsdCents, "usd", locale),
                    })}
                  </option>
                );
              })}
            </select>
          )}
        </Field>
        {topError ? (
          <p className="field-error" role="alert">
            {t("saveFailed")} <span lang="en">{topError}</span>
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="button-primary" data-testid="auto-topup-save" disabled={save.isPending}>
            {save.isPending ? t("autoSaving") : t("autoSave")}
          </button>
        </div>
        <div role="status" aria-live="polite">
          {saved ? <p data-testid="auto-topup-saved">{t("autoSaved")}</p> : null}
        </div>
      </form>
    </section>
  );
}
