import { KeysPage } from "../../features/keys/components/keys-page";

export function KeysRoute() {
  return <KeysPage />;
}
