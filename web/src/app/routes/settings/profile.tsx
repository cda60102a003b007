import { ComingSoon } from "../../../components/ui/coming-soon";
import { Page } from "../../../components/ui/page";

export function ProfileRoute() {
  return (
    <Page title="Profile" description="The name and email address on your account.">
      <ComingSoon>
        <p>Profile settings are not available in the dashboard yet.</p>
      </ComingSoon>
    </Page>
  );
}
