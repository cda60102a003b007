import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Field } from "../../../components/ui/field";
import { uiMessages } from "../../../components/ui/messages";
import { Page } from "../../../components/ui/page";
import { ErrorState, Loading } from "../../../components/ui/states";
import { accountQueryKey, useAccount } from "../../../lib/account-query";
import { useApi } from "../../../lib/api-context";
import type { Account, ProfileUpdate, UpdatedProfile } from "../../../lib/api-types";
import { fieldError, formError } from "../../../lib/form-errors";
import { useMessages } from "../../../lib/i18n";
import { PROFILE_NAME_MAX, validateEmail, validatePhone, validateRequiredText } from "../../../lib/validation";
import { settingsMessages } from "../messages";

export function ProfilePage() {
  const t = useMessages(settingsMessages);
  const account = useAccount();
  return (
    <Page title={t("profileTitle")} description={t("profileDescription")}>
      {account.isPending ? <Loading /> : null}
      {account.isError ? <ErrorState error={account.error} onRetry={() => void account.refetch()} /> : null}
      {account.data ? <ProfileForm key={account.data.id} account={account.data} /> : null}
    </Page>
  );
}

type FieldName = "name" | "email" | "phone";

/** The changed fields only (an empty phone is never sent: the API cannot remove a number). */
export function profileChanges(account: Account, values: Record<FieldName, string>): ProfileUpdate {
  const changes: ProfileUpdate = {};
  if (values.name.trim() !== (account.name ?? "")) changes.name = values.name.trim();
  if (values.email.trim() !== (account.email ?? "")) changes.email = values.email.trim();
  const phone = values.phone.trim();
  if (phone !== "" && phone !== (account.phone ?? "")) changes.phone = phone;
  return changes;
}

function ProfileForm({ account }: { account: Account }) {
  const t = useMessages(settingsMessages);
  const tu = useMessages(uiMessages);
  const api = useApi();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Record<FieldName, string>>({
    name: account.name ?? "",
    email: account.email ?? "",
    phone: account.phone ?? "",
  });
  const [touched, setTouched] = useState<Partial<Record<FieldName, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [result, setResult] = useState<UpdatedProfile | null>(null);
  const [nothing, setNothing] = useState(false);
  const save = useMutation({
    mutationFn: (changes: ProfileUpdate) => api.updateProfile(changes),
    onSuccess: (updated) => {
      const { pendingVerification: _pending, ...next } = updated;
      queryClient.setQueryData(accountQueryKey, next);
      setResult(updated);
    },
  });

  const errors = {
    name: validateRequiredText(values.name, PROFILE_NAME_MAX),
    email: validateEmail(values.email),
    // The API takes a new number in E.164 but cannot remove one.
    phone: values.phone.trim() === "" && account.phone ? "required" : validatePhone(values.phone),
  };
  const shown = (field: FieldName) => {
    const code = errors[field];
    if (code && (touched[field] || submitted)) return tu(`validation.${code}`);
    return fieldError(save.error, field);
  };
  const topError = formError(save.error, ["name", "email", "phone"]);
  const change = (field: FieldName, value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    setTouched((current) => ({ ...current, [field]: true }));
    setResult(null);
    setNothing(false);
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (errors.name || errors.email || errors.phone) return;
    const changes = profileChanges(account, values);
    if (Object.keys(changes).length === 0) {
      setNothing(true);
      return;
    }
    save.mutate(changes);
  }

  const inputs: Array<{ field: FieldName; type: string; autoComplete: string; hint?: string }> = [
    { field: "name", type: "text", autoComplete: "name" },
    { field: "email", type: "email", autoComplete: "email", hint: t("emailHint") },
    { field: "phone", type: "tel", autoComplete: "tel", hint: t("phoneHint") },
  ];
  const pending = result?.pendingVerification;
  return (
    <form className="form" noValidate onSubmit={submit}>
      {topError ? (
        <p className="field-error" role="alert">
          {t("saveFailed", { message: topError })}
        </p>
      ) : null}
      {inputs.map(({ field, type, autoComplete, hint }) => (
        <Field key={field} label={t(field)} hint={hint} error={shown(field)}>
          {(props) => (
            <input
              {...props}
              type={type}
              autoComplete={autoComplete}
              data-testid={`profile-${field}-input`}
              value={values[field]}
              onChange={(event) => change(field, event.target.value)}
            />
          )}
        </Field>
      ))}
      <div className="actions">
        <button type="submit" className="button-primary" data-testid="profile-save" disabled={save.isPending}>
          {save.isPending ? t("saving") : t("save")}
        </button>
      </div>
      <div role="status" aria-live="polite">
        {result ? <p data-testid="profile-saved">{t("saved")}</p> : null}
        {nothing ? <p>{t("noChanges")}</p> : null}
        {pending?.email ? (
          <p className="notice" data-testid="profile-pending-email">
            {t("pendingEmail", { email: pending.email })}
          </p>
        ) : null}
        {pending?.phone ? (
          <p className="notice" data-testid="profile-pending-phone">
            {t("pendingPhone", { phone: pending.phone })}
          </p>
        ) : null}
      </div>
    </form>
  );
}
