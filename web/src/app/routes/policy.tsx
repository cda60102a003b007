import { PublicLayout } from "../../components/layouts/public-layout";
import { PolicyPage } from "../../features/notices/components/policy-page";

/** Readable signed in or not (the age gate and the sign-in page link to it). */
export function PolicyRoute() {
  return (
    <PublicLayout>
      <PolicyPage />
    </PublicLayout>
  );
}
