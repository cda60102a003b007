import { ComingSoon } from "../../components/ui/coming-soon";
import { Page } from "../../components/ui/page";

export function OverviewRoute() {
  return (
    <Page title="Overview" description="Your prepaid credit and recent spend at a glance.">
      <ComingSoon>
        <p>Your balance and spend appear here once accounts and usage metering are in place.</p>
      </ComingSoon>
    </Page>
  );
}
