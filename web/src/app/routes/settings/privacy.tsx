import { PrivacyPage } from "../../../features/settings/components/privacy-settings";

export function PrivacyRoute() {
  return <PrivacyPage />;
}
