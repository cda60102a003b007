import { ComingSoon } from "../../components/ui/coming-soon";
import { Page } from "../../components/ui/page";

export function UsageRoute() {
  return (
    <Page title="Usage" description="Requests, tokens and cost per model, with the request id of every call.">
      <ComingSoon>
        <p>Usage history arrives with the usage metering issue.</p>
      </ComingSoon>
    </Page>
  );
}
