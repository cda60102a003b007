import { AccountBadge } from "../features/account/components/account-badge";
import { AppShell } from "../components/layouts/app-shell";

/** The app's shell with the account badge: composition happens here, so shared layouts never import features. */
export function Shell() {
  return <AppShell account={<AccountBadge />} />;
}
