import { ComingSoon } from "../../../components/ui/coming-soon";
import { Page } from "../../../components/ui/page";

export function ProfileRoute() {
  return (
    <Page title="Profile" description="The name and email address on your account.">
      <ComingSoon>
        <p>Profile settings arrive with the accounts issue.</p>
      </ComingSoon>
    </Page>
  );
}
