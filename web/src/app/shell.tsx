import { Navigate, useLocation } from "react-router";
import { AppShell } from "../components/layouts/app-shell";
import { PublicLayout } from "../components/layouts/public-layout";
import { Loading } from "../components/ui/states";
import { paths } from "../config/paths";
import { AccountSummary } from "../features/account/components/account-summary";
import { AgeGate } from "../features/account/components/age-gate";
import { LowBalanceWarning, RenewalReminder } from "../features/billing/components/low-balance-warning";
import { NoticeBanner } from "../features/notices/components/notice-banner";
import { useAuth } from "../lib/auth";

/**
 * Everything behind sign-in: signed out → the sign-in page (back here afterwards, unless the user signed out
 * themselves); then the age gate (policy 7); then the shell with the balance, plan, the low-balance warning and
 * notices. Composition happens here, so shared layouts never import features.
 */
export function Shell() {
  const auth = useAuth();
  const location = useLocation();
  if (auth.status === "loading") return <Loading />;
  if (auth.status === "signed-out") {
    const here = `${location.pathname}${location.search}`;
    const query = auth.signedOutReason !== "signed-out" && here !== "/" ? `?returnTo=${encodeURIComponent(here)}` : "";
    return <Navigate to={`${paths.signIn}${query}`} replace />;
  }
  const signOut = () => void auth.signOut();
  return (
    <AgeGate onSignOut={signOut} frame={(content) => <PublicLayout>{content}</PublicLayout>}>
      <AppShell
        account={<AccountSummary />}
        banner={
          <>
            <LowBalanceWarning />
            <RenewalReminder />
            <NoticeBanner />
          </>
        }
        onSignOut={signOut}
      />
    </AgeGate>
  );
}
