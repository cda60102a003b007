import { ConfirmDialog } from "../../../components/ui/dialog";
import { useMessages } from "../../../lib/i18n";
import { authMessages } from "../messages";

/** Shown when the API answers 403 `reverification_required`; confirming signs in again and retries the change. */
export function ReverifyDialog({ open, onConfirm, onCancel }: { open: boolean; onConfirm(): void; onCancel(): void }) {
  const t = useMessages(authMessages);
  return (
    <ConfirmDialog
      open={open}
      title={t("reverifyTitle")}
      confirmLabel={t("reverifyConfirm")}
      onConfirm={onConfirm}
      onClose={onCancel}
    >
      <p>{t("reverifyBody")}</p>
    </ConfirmDialog>
  );
}
