import { defineMessages } from "../../lib/i18n";

export const accountMessages = defineMessages({
  en: {
    balance: "Balance",
    plan: "Plan",
    "plan.free": "Free",
    "plan.pro": "Pro",
    "plan.team": "Team",
    "plan.internal": "Internal",
    ageTitle: "Confirm your age",
    ageBody: "omnizen is for people aged 13 or older. Please confirm your age to continue.",
    agePolicy: "Read the privacy policy",
    ageConfirm: "I am 13 or older",
    ageDecline: "I am under 13",
    ageFailed: "Your answer could not be saved.",
    declinedTitle: "You cannot use omnizen",
    declinedBody:
      "omnizen is only for people aged 13 or older, so this account cannot be used. You can delete the account " +
      "and everything stored about it now, or sign out.",
    declinedBack: "I answered by mistake",
    deleteAccount: "Delete my account",
    deleteTitle: "Delete this account?",
    deleteBody: "The account, its keys and its usage records are deleted now. This cannot be undone.",
    deleteConfirm: "Delete the account",
    signOut: "Sign out",
    loadFailed: "Your account could not be loaded.",
  },
  bn: {
    balance: "ব্যালান্স",
    plan: "প্ল্যান",
    "plan.free": "ফ্রি",
    "plan.pro": "প্রো",
    "plan.team": "টিম",
    "plan.internal": "অভ্যন্তরীণ",
    ageTitle: "আপনার বয়স নিশ্চিত করুন",
    ageBody: "omnizen ১৩ বছর বা তার বেশি বয়সীদের জন্য। চালিয়ে যেতে আপনার বয়স নিশ্চিত করুন।",
    agePolicy: "গোপনীয়তা নীতি পড়ুন",
    ageConfirm: "আমার বয়স ১৩ বা তার বেশি",
    ageDecline: "আমার বয়স ১৩-এর কম",
    ageFailed: "আপনার উত্তর সংরক্ষণ করা যায়নি।",
    declinedTitle: "আপনি omnizen ব্যবহার করতে পারবেন না",
    declinedBody:
      "omnizen শুধু ১৩ বছর বা তার বেশি বয়সীদের জন্য, তাই এই অ্যাকাউন্ট ব্যবহার করা যাবে না। আপনি এখনই অ্যাকাউন্ট " +
      "এবং এর সব সংরক্ষিত তথ্য মুছে ফেলতে পারেন, অথবা সাইন আউট করতে পারেন।",
    declinedBack: "আমি ভুল করে উত্তর দিয়েছি",
    deleteAccount: "আমার অ্যাকাউন্ট মুছুন",
    deleteTitle: "এই অ্যাকাউন্ট মুছবেন?",
    deleteBody: "অ্যাকাউন্ট, এর কী এবং ব্যবহারের রেকর্ড এখনই মুছে যাবে। এটি আর ফেরানো যাবে না।",
    deleteConfirm: "অ্যাকাউন্ট মুছুন",
    signOut: "সাইন আউট",
    loadFailed: "আপনার অ্যাকাউন্ট লোড করা যায়নি।",
  },
});
