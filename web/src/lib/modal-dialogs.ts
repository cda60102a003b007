/**
 * A prompt of another library (Clerk's verification modal) cannot show above a `<dialog>` opened with showModal():
 * that one sits in the top layer and makes everything else inert. While such a prompt is open, our modal
 * dialogs step down to non-modal (still open, still rendered, what was typed kept), and become modal again after.
 */
export async function withModalDialogsLowered<T>(run: () => Promise<T>): Promise<T> {
  const lowered = [...document.querySelectorAll("dialog")].filter((dialog) => dialog.open && dialog.matches(":modal"));
  for (const dialog of lowered) {
    // close() fires no `cancel`: the Dialog component does not take it for the user closing it.
    dialog.close();
    dialog.show();
  }
  try {
    return await run();
  } finally {
    for (const dialog of lowered) {
      if (dialog.isConnected && dialog.open) {
        dialog.close();
        dialog.showModal();
      }
    }
  }
}
