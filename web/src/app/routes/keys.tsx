import { ComingSoon } from "../../components/ui/coming-soon";
import { Page } from "../../components/ui/page";

export function KeysRoute() {
  return (
    <Page title="API keys" description="Create and revoke the keys your applications use to call omnizen.">
      <ComingSoon>
        <p>
          Key management arrives with the API keys issue. A new key's secret will be shown once, when it is created.
        </p>
      </ComingSoon>
    </Page>
  );
}
