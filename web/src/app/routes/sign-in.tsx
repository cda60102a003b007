import { PublicLayout } from "../../components/layouts/public-layout";
import { SignInPage } from "../../features/auth/components/sign-in-page";

export function SignInRoute() {
  return (
    <PublicLayout>
      <SignInPage />
    </PublicLayout>
  );
}
