import { useState } from "react";
import { Dialog } from "../../../components/ui/dialog";
import type { CreatedApiKey } from "../../../lib/api-types";
import { useMessages } from "../../../lib/i18n";
import { keysMessages } from "../messages";

/** The new key's secret, shown once, with a copy button and the warning that it is never shown again. */
export function SecretDialog({ created, onDone }: { created: CreatedApiKey | null; onDone(): void }) {
  const t = useMessages(keysMessages);
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  const close = () => {
    setCopy("idle");
    onDone();
  };
  return (
    <Dialog open={created !== null} title={t("secretTitle")} onClose={close} testId="key-secret-dialog">
      <p className="warning" role="note">
        {t("secretWarning")}
      </p>
      <p className="field-hint">{t("secretLabel")}</p>
      <div className="secret">
        <code data-testid="key-secret" className="secret-value">
          {created?.secret ?? ""}
        </code>
        <button
          type="button"
          data-testid="key-secret-copy"
          onClick={() => {
            navigator.clipboard.writeText(created?.secret ?? "").then(
              () => setCopy("copied"),
              () => setCopy("failed"),
            );
          }}
        >
          {copy === "copied" ? t("copied") : t("copy")}
        </button>
      </div>
      <p role="status" aria-live="polite" className={copy === "failed" ? "field-error" : "visually-hidden"}>
        {copy === "copied" ? t("copied") : copy === "failed" ? t("copyFailed") : ""}
      </p>
      <div className="dialog-actions">
        <button type="button" className="button-primary" data-testid="key-secret-done" onClick={close}>
          {t("secretDone")}
        </button>
      </div>
    </Dialog>
  );
}
