import { useEffect, useRef, type ReactNode } from "react";
import { useMessages } from "../../lib/i18n";
import { uiMessages } from "./messages";

interface DialogProps {
  open: boolean;
  title: string;
  onClose(): void;
  children: ReactNode;
  /** data-testid of the dialog element. */
  testId?: string;
}

/**
 * A modal `<dialog>` opened with showModal(): the browser traps focus in it and makes the page behind inert, Escape
 * closes it (the `cancel` event), and focus returns to the element that had it before opening.
 */
export function Dialog({ open, title, onClose, children, testId }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || !open) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      if (previous?.isConnected) previous.focus();
    };
  }, [open]);

  if (!open) return null;
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={`${testId ?? "dialog"}-title`}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        onCloseRef.current();
      }}
    >
      <h2 id={`${testId ?? "dialog"}-title`} className="dialog-title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  confirmLabel: string;
  onConfirm(): void;
  onClose(): void;
  busy?: boolean;
  /** Destructive actions get the danger style. */
  danger?: boolean;
  error?: string | null;
  children?: ReactNode;
}

/** A confirmation: Cancel (focused first, the safe choice) and the confirm button `confirm-dialog-confirm`. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const t = useMessages(uiMessages);
  return (
    <Dialog open={props.open} title={props.title} onClose={props.onClose} testId="confirm-dialog">
      {props.children}
      {props.error ? (
        <p className="field-error" role="alert">
          {props.error}
        </p>
      ) : null}
      <div className="dialog-actions">
        <button type="button" autoFocus onClick={props.onClose}>
          {t("cancel")}
        </button>
        <button
          type="button"
          className={props.danger ? "button-danger" : "button-primary"}
          data-testid="confirm-dialog-confirm"
          disabled={props.busy}
          onClick={props.onConfirm}
        >
          {props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
