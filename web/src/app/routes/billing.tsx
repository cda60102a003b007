import { ComingSoon } from "../../components/ui/coming-soon";
import { Page } from "../../components/ui/page";

export function BillingRoute() {
  return (
    <Page title="Billing" description="Top up your prepaid credit and see your payments.">
      <ComingSoon>
        <p>Top-ups and payment history are not available yet.</p>
      </ComingSoon>
    </Page>
  );
}
