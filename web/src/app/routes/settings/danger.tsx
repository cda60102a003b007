import { DangerZone } from "../../../features/settings/components/danger-zone";
import { useAuth } from "../../../lib/auth";

/** After the account is deleted, the user is signed out (every key is already dead). */
export function DangerRoute() {
  const auth = useAuth();
  return <DangerZone onDeleted={() => void auth.signOut()} />;
}
