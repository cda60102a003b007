import { ProfilePage } from "../../../features/settings/components/profile-form";

export function ProfileRoute() {
  return <ProfilePage />;
}
