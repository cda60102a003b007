import { defineMessages } from "../../lib/i18n";

export const loadStateMessages = defineMessages({
  en: {
    loading: "Loading…",
    failed: "This could not be loaded.",
    network: "The omnizen API could not be reached. Check your connection.",
    retry: "Try again",
    requestId: "Request id: {id}",
  },
  bn: {
    loading: "লোড হচ্ছে…",
    failed: "এটি লোড করা যায়নি।",
    network: "omnizen এপিআই-এ পৌঁছানো যায়নি। আপনার সংযোগ পরীক্ষা করুন।",
    retry: "আবার চেষ্টা করুন",
    requestId: "অনুরোধ আইডি: {id}",
  },
});
