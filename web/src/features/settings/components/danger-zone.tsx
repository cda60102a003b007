import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Dialog } from "../../../components/ui/dialog";
import { Field } from "../../../components/ui/field";
import { uiMessages } from "../../../components/ui/messages";
import { Page } from "../../../components/ui/page";
import { ErrorState, Loading } from "../../../components/ui/states";
import { useAccount } from "../../../lib/account-query";
import { useApi } from "../../../lib/api-context";
import { fieldError, formError } from "../../../lib/form-errors";
import { INTL_LOCALE, useLocale, useMessages, type Locale } from "../../../lib/i18n";
import { saveFile } from "../../../lib/save-file";
import { validateDeleteConfirmation } from "../../../lib/validation";
import { settingsMessages } from "../messages";

/** Bytes as "512 kB" / "3.4 MB" in the locale. */
export function formatBytes(bytes: number, locale: Locale): string {
  const megabytes = bytes >= 1_000_000;
  return new Intl.NumberFormat(INTL_LOCALE[locale], {
    style: "unit",
    unit: megabytes ? "megabyte" : "kilobyte",
    maximumFractionDigits: 1,
  }).format(megabytes ? bytes / 1_000_000 : bytes / 1_000);
}

export function DangerZone({ onDeleted }: { onDeleted(): void }) {
  const t = useMessages(settingsMessages);
  const account = useAccount();
  return (
    <Page title={t("dangerTitle")} description={t("dangerDescription")}>
      <Export />
      {account.isPending ? <Loading /> : null}
      {account.isError ? <ErrorState error={account.error} onRetry={() => void account.refetch()} /> : null}
      {account.data ? <DeleteAccount email={account.data.email} onDeleted={onDeleted} /> : null}
    </Page>
  );
}

function Export() {
  const t = useMessages(settingsMessages);
  const { locale } = useLocale();
  const api = useApi();
  const [received, setReceived] = useState<number | null>(null);
  const exportMutation = useMutation({
    mutationFn: () => {
      setReceived(0);
      return api.downloadExport({ onProgress: setReceived });
    },
    onSuccess: (download) => saveFile(download.blob, download.filename),
  });
  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title">{t("exportTitle")}</h2>
      <p>{t("exportExplain")}</p>
      <button
        type="button"
        className="button-primary"
        data-testid="export-button"
        disabled={exportMutation.isPending}
        onClick={() => exportMutation.mutate()}
      >
        {exportMutation.isPending ? t("exporting") : t("exportButton")}
      </button>
      <div role="status" aria-live="polite" data-testid="export-progress">
        {exportMutation.isPending && received !== null ? (
          <p>
            <progress aria-label={t("exporting")} /> {t("exportProgress", { size: formatBytes(received, locale) })}
          </p>
        ) : null}
        {exportMutation.isSuccess ? (
          <p>{t("exportDone", { size: formatBytes(exportMutation.data.blob.size, locale) })}</p>
        ) : null}
      </div>
      {exportMutation.isError ? (
        <p className="field-error" role="alert">
          {t("exportFailed", { message: exportMutation.error.message })}
        </p>
      ) : null}
    </section>
  );
}

function DeleteAccount({ email, onDeleted }: { email: string | null; onDeleted(): void }) {
  const t = useMessages(settingsMessages);
  const tu = useMessages(uiMessages);
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [touched, setTouched] = useState(false);
  const remove = useMutation({
    mutationFn: (confirm: string) => api.deleteAccount({ confirm }),
    onSuccess: onDeleted,
  });
  const invalid = validateDeleteConfirmation(typed, email);
  function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (!invalid) remove.mutate(typed.trim());
  }
  const topError = formError(remove.error, ["confirm"]);
  return (
    <section className="card card-danger" aria-labelledby="delete-title">
      <h2 id="delete-title">{t("deleteTitle")}</h2>
      <p>{t("deleteExplain")}</p>
      {email === null ? (
        <p>{t("deleteNoEmail")}</p>
      ) : (
        <button
          type="button"
          className="button-danger"
          data-testid="delete-open"
          onClick={() => {
            remove.reset();
            setOpen(true);
          }}
        >
          {t("deleteOpen")}
        </button>
      )}
      <Dialog open={open} title={t("deleteDialogTitle")} onClose={() => setOpen(false)} testId="delete-dialog">
        <p>{t("deleteExplain")}</p>
        <form className="form" noValidate onSubmit={submit}>
          <Field
            label={t("deleteConfirmLabel", { email: email ?? "" })}
            error={invalid && touched ? tu(`validation.${invalid}`) : fieldError(remove.error, "confirm")}
          >
            {(props) => (
              <input
                {...props}
                type="email"
                autoComplete="off"
                data-testid="delete-confirm-input"
                value={typed}
                onChange={(event) => {
                  setTyped(event.target.value);
                  setTouched(true);
                }}
              />
            )}
          </Field>
          {topError ? (
            <p className="field-error" role="alert">
              {topError}
            </p>
          ) : null}
          <div className="dialog-actions">
            <button type="button" onClick={() => setOpen(false)}>
              {tu("cancel")}
            </button>
            <button
              type="submit"
              className="button-danger"
              data-testid="delete-submit"
              disabled={remove.isPending || invalid !== null}
            >
              {remove.isPending ? t("deleting") : t("deleteSubmit")}
            </button>
          </div>
        </form>
      </Dialog>
    </section>
  );
}
