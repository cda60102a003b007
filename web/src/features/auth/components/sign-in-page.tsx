import { useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { Page } from "../../../components/ui/page";
import { Loading } from "../../../components/ui/states";
import { useAuth } from "../../../lib/auth";
import { useMessages } from "../../../lib/i18n";
import { safeReturnTo } from "../../../lib/session";
import { authMessages } from "../messages";

/** `/sign-in?returnTo=/keys`: Clerk's form, or the local sign-in; afterwards back to the page the user was on. */
export function SignInPage() {
  const t = useMessages(authMessages);
  const auth = useAuth();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const returnTo = safeReturnTo(searchParams.get("returnTo"));
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);

  if (auth.status === "signed-in") return <Navigate to={returnTo} replace />;
  if (auth.status === "loading") return <Loading />;

  const SignInForm = auth.SignInForm;
  return (
    <div data-testid="signed-out">
      <Page title={t("title")} description={t("description")}>
        {auth.signedOutReason === "expired" ? (
          <p className="notice" role="status">
            {t("expired")}
          </p>
        ) : null}
        {SignInForm ? <SignInForm returnTo={returnTo} /> : null}
        {auth.signIn ? (
          <>
            <p className="muted">{t("devHint")}</p>
            <button
              type="button"
              className="button-primary"
              data-testid="dev-sign-in"
              disabled={busy}
              onClick={() => {
                setBusy(true);
                setFailed(false);
                auth.signIn?.().then(
                  () => navigate(returnTo, { replace: true }),
                  () => {
                    setBusy(false);
                    setFailed(true);
                  },
                );
              }}
            >
              {busy ? t("signingIn") : t("devSignIn")}
            </button>
            {failed ? (
              <p className="field-error" role="alert">
                {t("failed")}
              </p>
            ) : null}
          </>
        ) : null}
      </Page>
    </div>
  );
}
