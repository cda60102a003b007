import { defineMessages } from "../lib/i18n";

/** Strings of the app's own routes (placeholders, errors). */
export const appMessages = defineMessages({
  en: {
    notFoundTitle: "Page not found",
    notFoundDescription: "There is no dashboard page at this address.",
    notFoundBody: "Nothing lives at {path}.",
    toOverview: "Go to the overview",
    errorTitle: "Something went wrong",
    errorDescription: "This page could not be shown. Reloading usually helps.",
    modelsTitle: "Models",
    modelsDescription: "The models you can call, with their prices and where they process data.",
    modelsBody: "The model catalog is not available yet.",
    loading: "Loading…",
  },
  bn: {
    notFoundTitle: "পাতা পাওয়া যায়নি",
    notFoundDescription: "এই ঠিকানায় ড্যাশবোর্ডের কোনো পাতা নেই।",
    notFoundBody: "{path} ঠিকানায় কিছু নেই।",
    toOverview: "সারসংক্ষেপে যান",
    errorTitle: "কিছু একটা ভুল হয়েছে",
    errorDescription: "এই পাতাটি দেখানো যায়নি। আবার লোড করলে সাধারণত ঠিক হয়ে যায়।",
    modelsTitle: "মডেল",
    modelsDescription: "যে মডেলগুলো আপনি কল করতে পারেন, তাদের দাম এবং কোথায় তথ্য প্রক্রিয়া করে।",
    modelsBody: "মডেল ক্যাটালগ এখনো পাওয়া যাচ্ছে না।",
    loading: "লোড হচ্ছে…",
  },
});
