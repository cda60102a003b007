import { defineMessages } from "../../lib/i18n";

export const authMessages = defineMessages({
  en: {
    title: "Sign in",
    description: "Sign in to manage your API keys, usage and account.",
    devSignIn: "Sign in as the local user",
    devHint: "Local development: no Clerk key is configured, so you sign in as the seeded local user.",
    signingIn: "Signing in…",
    failed: "Signing in failed. Is the local gateway running?",
    expired: "Your session has ended. Sign in again to continue where you were.",
    reverifyTitle: "Sign in again to continue",
    reverifyBody:
      "For your security, this change needs a recent sign-in. Sign in again and the change is sent once more; " +
      "nothing you typed is lost.",
    reverifyConfirm: "Sign in again",
  },
  bn: {
    title: "সাইন ইন",
    description: "আপনার এপিআই কী, ব্যবহার ও অ্যাকাউন্ট পরিচালনা করতে সাইন ইন করুন।",
    devSignIn: "স্থানীয় ব্যবহারকারী হিসেবে সাইন ইন করুন",
    devHint:
      "স্থানীয় ডেভেলপমেন্ট: কোনো Clerk কী সেট করা নেই, তাই আপনি আগে থেকে তৈরি স্থানীয় ব্যবহারকারী হিসেবে সাইন ইন করবেন।",
    signingIn: "সাইন ইন হচ্ছে…",
    failed: "সাইন ইন ব্যর্থ হয়েছে। স্থানীয় গেটওয়ে কি চালু আছে?",
    expired: "আপনার সেশন শেষ হয়েছে। যেখানে ছিলেন সেখান থেকে চালিয়ে যেতে আবার সাইন ইন করুন।",
    reverifyTitle: "চালিয়ে যেতে আবার সাইন ইন করুন",
    reverifyBody:
      "আপনার নিরাপত্তার জন্য এই পরিবর্তনের জন্য সাম্প্রতিক সাইন ইন প্রয়োজন। আবার সাইন ইন করলে পরিবর্তনটি আবার পাঠানো হবে; " +
      "আপনার লেখা কিছুই হারাবে না।",
    reverifyConfirm: "আবার সাইন ইন করুন",
  },
});
