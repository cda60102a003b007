import { ComingSoon } from "../../../components/ui/coming-soon";
import { Page } from "../../../components/ui/page";

export function PrivacyRoute() {
  return (
    <Page title="Privacy" description="Take your data with you, or remove it from omnizen.">
      <ComingSoon>
        <ul>
          <li>
            <strong>Export your data</strong>: download everything stored about your account as JSON.
          </li>
          <li>
            <strong>Delete your account</strong>: close the account and erase its data.
          </li>
        </ul>
        <p>Both are not available in the dashboard yet.</p>
      </ComingSoon>
    </Page>
  );
}
