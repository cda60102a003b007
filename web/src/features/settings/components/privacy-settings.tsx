import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { JurisdictionPicker, type JurisdictionChoice } from "../../../components/ui/jurisdiction-picker";
import { uiMessages } from "../../../components/ui/messages";
import { Page } from "../../../components/ui/page";
import { ErrorState, Loading } from "../../../components/ui/states";
import { accountQueryKey, useAccount } from "../../../lib/account-query";
import { useApi } from "../../../lib/api-context";
import type { Account, ProfileUpdate } from "../../../lib/api-types";
import { fieldError, formError } from "../../../lib/form-errors";
import { useMessages } from "../../../lib/i18n";
import { validateJurisdictions } from "../../../lib/validation";
import { settingsMessages } from "../messages";

export function PrivacyPage() {
  const t = useMessages(settingsMessages);
  const account = useAccount();
  return (
    <Page title={t("privacyTitle")} description={t("privacyDescription")}>
      {account.isPending ? <Loading /> : null}
      {account.isError ? <ErrorState error={account.error} onRetry={() => void account.refetch()} /> : null}
      {account.data ? (
        <>
          <PromptCache account={account.data} />
          <Jurisdictions key={account.data.id} account={account.data} />
        </>
      ) : null}
    </Page>
  );
}

function useSaveAccount() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (changes: ProfileUpdate) => api.updateProfile(changes),
    onSuccess: (updated) => {
      const { pendingVerification: _pending, ...next } = updated;
      queryClient.setQueryData(accountQueryKey, next);
    },
  });
}

function PromptCache({ account }: { account: Account }) {
  const t = useMessages(settingsMessages);
  const save = useSaveAccount();
  const [lastSaved, setLastSaved] = useState<boolean | null>(null);
  // Shown at once; put back if saving fails.
  const [checked, setChecked] = useState(account.promptCacheEnabled);
  return (
    <section className="card" aria-labelledby="cache-title">
      <h2 id="cache-title">{t("cacheTitle")}</h2>
      <p>{t("cacheExplain")}</p>
      <p className="warning">{t("cacheOffWarning")}</p>
      <label className="choice">
        <input
          type="checkbox"
          data-testid="prompt-cache-toggle"
          checked={checked}
          disabled={save.isPending}
          onChange={(event) => {
            const enabled = event.target.checked;
            setChecked(enabled);
            save.mutate(
              { promptCacheEnabled: enabled },
              { onSuccess: () => setLastSaved(enabled), onError: () => setChecked(!enabled) },
            );
          }}
        />
        {t("cacheLabel")}
      </label>
      <div role="status" aria-live="polite">
        {lastSaved === null || save.isPending ? null : <p>{lastSaved ? t("cacheSaved") : t("cacheOffSaved")}</p>}
      </div>
      {save.isError ? (
        <p className="field-error" role="alert">
          {t("saveFailed", { message: save.error.message })}
        </p>
      ) : null}
    </section>
  );
}

function Jurisdictions({ account }: { account: Account }) {
  const t = useMessages(settingsMessages);
  const tu = useMessages(uiMessages);
  const save = useSaveAccount();
  const [value, setValue] = useState<JurisdictionChoice>(account.allowedJurisdictions);
  const [saved, setSaved] = useState(false);
  const invalid = validateJurisdictions(value !== null, value ?? []);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (invalid) return;
    save.mutate({ allowedJurisdictions: value }, { onSuccess: () => setSaved(true) });
  }
  const topError = formError(save.error, ["allowedJurisdictions"]);
  return (
    <section className="card" aria-labelledby="jurisdictions-title">
      <h2 id="jurisdictions-title">{t("jurisdictionsTitle")}</h2>
      <p>{t("jurisdictionsExplain")}</p>
      <form className="form" noValidate onSubmit={submit}>
        <JurisdictionPicker
          name="account-jurisdictions"
          value={value}
          error={invalid ? tu(`validation.${invalid}`) : fieldError(save.error, "allowedJurisdictions")}
          onChange={(next) => {
            setValue(next);
            setSaved(false);
          }}
        />
        {topError ? (
          <p className="field-error" role="alert">
            {t("saveFailed", { message: topError })}
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="button-primary" data-testid="jurisdictions-save" disabled={save.isPending}>
            {save.isPending ? t("saving") : t("jurisdictionsSave")}
          </button>
        </div>
        <div role="status" aria-live="polite">
          {saved ? <p>{t("saved")}</p> : null}
        </div>
      </form>
    </section>
  );
}
