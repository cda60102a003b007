import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Link } from "react-router";
import { ConfirmDialog } from "../../../components/ui/dialog";
import { Page } from "../../../components/ui/page";
import { ErrorState, Loading } from "../../../components/ui/states";
import { paths } from "../../../config/paths";
import { accountQueryKey, useAccount } from "../../../lib/account-query";
import { useApi } from "../../../lib/api-context";
import { useMessages } from "../../../lib/i18n";
import { accountMessages } from "../messages";

interface AgeGateProps {
  /** The dashboard, shown once the age is confirmed. */
  children: ReactNode;
  /** The frame for the gate's own pages (no shell). */
  frame(content: ReactNode): ReactNode;
  onSignOut(): void;
}

/** Policy 7: until the account's age is confirmed, only the 13+ question; refusing leads to a page, not a loop. */
export function AgeGate({ children, frame, onSignOut }: AgeGateProps) {
  const t = useMessages(accountMessages);
  const api = useApi();
  const queryClient = useQueryClient();
  const account = useAccount();
  const [declined, setDeclined] = useState(false);
  const [deleteOpen, setDeleteOpen] = useState(false);
  const confirm = useMutation({
    mutationFn: () => api.confirmAge(),
    onSuccess: (updated) => queryClient.setQueryData(accountQueryKey, updated),
  });
  const remove = useMutation({
    mutationFn: (email: string) => api.deleteAccount({ confirm: email }),
    onSuccess: onSignOut,
  });

  if (account.isPending) return frame(<Loading />);
  if (account.isError) return frame(<ErrorState error={account.error} onRetry={() => void account.refetch()} />);
  if (account.data.ageConfirmedAt !== null) return children;

  if (declined) {
    const email = account.data.email;
    return frame(
      <div data-testid="age-declined">
        <Page title={t("declinedTitle")} description={t("declinedBody")}>
          <div className="actions">
            {email ? (
              <button type="button" className="button-danger" onClick={() => setDeleteOpen(true)}>
                {t("deleteAccount")}
              </button>
            ) : null}
            <button type="button" onClick={onSignOut}>
              {t("signOut")}
            </button>
            <button type="button" className="button-link" onClick={() => setDeclined(false)}>
              {t("declinedBack")}
            </button>
          </div>
          <ConfirmDialog
            open={deleteOpen}
            title={t("deleteTitle")}
            confirmLabel={t("deleteConfirm")}
            danger
            busy={remove.isPending}
            error={remove.error?.message ?? null}
            onClose={() => setDeleteOpen(false)}
            onConfirm={() => email && remove.mutate(email)}
          >
            <p>{t("deleteBody")}</p>
          </ConfirmDialog>
        </Page>
      </div>,
    );
  }

  return frame(
    <div data-testid="age-gate">
      <Page title={t("ageTitle")} description={t("ageBody")}>
        <p>
          <Link to={paths.policy}>{t("agePolicy")}</Link>
        </p>
        <div className="actions">
          <button
            type="button"
            className="button-primary"
            data-testid="age-confirm"
            disabled={confirm.isPending}
            onClick={() => confirm.mutate()}
          >
            {t("ageConfirm")}
          </button>
          <button type="button" data-testid="age-decline" onClick={() => setDeclined(true)}>
            {t("ageDecline")}
          </button>
        </div>
        {confirm.isError ? (
          <p className="field-error" role="alert">
            {t("ageFailed")} {confirm.error.message}
          </p>
        ) : null}
      </Page>
    </div>,
  );
}
