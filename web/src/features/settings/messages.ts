import { defineMessages } from "../../lib/i18n";

export const settingsMessages = defineMessages({
  en: {
    profileTitle: "Profile",
    profileDescription: "The name, email address and phone number on your account.",
    name: "Name",
    email: "Email",
    emailHint: "A new address is used once you verify it from the email we send.",
    phone: "Phone",
    phoneHint: "International format (E.164), e.g. +8801712345678. Leave empty for none.",
    save: "Save",
    saving: "Saving…",
    saved: "Saved.",
    saveFailed: "Saving failed: {message}",
    pendingEmail: "Waiting for verification: {email}. Open the link in the email we sent to use this address.",
    pendingPhone: "Waiting for verification: {phone}. Enter the code we sent by SMS to use this number.",
    noChanges: "Nothing to save.",
    privacyTitle: "Privacy",
    privacyDescription: "How your requests are cached and where they may be processed.",
    cacheTitle: "Prompt cache",
    cacheLabel: "Cache identical requests",
    cacheExplain:
      "When on, an identical request is answered from a cache for up to an hour instead of calling the provider " +
      "again (you pay less). Entries are keyed by a hash and expire after an hour.",
    cacheOffWarning: "Turning the cache off also deletes every cached entry of your account right away.",
    cacheSaved: "The prompt cache is on.",
    cacheOffSaved: "The prompt cache is off and its entries were deleted.",
    jurisdictionsTitle: "Allowed jurisdictions",
    jurisdictionsExplain:
      "Requests are only routed to providers processing data in the places you allow. A key can narrow this " +
      "further, never widen it.",
    jurisdictionsSave: "Save jurisdictions",
    dangerTitle: "Danger zone",
    dangerDescription: "Take your data with you, or remove it from omnizen.",
    exportTitle: "Export your data",
    exportExplain:
      "Download everything stored about your account as a JSON file: profile, keys (without secrets), " +
      "usage records and billing history. Never any prompt or response content; omnizen does not store any.",
    exportButton: "Export as JSON",
    exporting: "Exporting…",
    exportProgress: "{size} received",
    exportDone: "Your export has downloaded ({size}).",
    exportFailed: "The export failed: {message}",
    deleteTitle: "Delete your account",
    deleteExplain:
      "Deleting the account removes, right away and in one step: your profile and sign-in, every API key (refused " +
      "at once), your usage and billing records, your cached entries and your payment customer record. Any " +
      "remaining credit is lost. Export your data first if you want a copy. This cannot be undone.",
    deleteOpen: "Delete account…",
    deleteDialogTitle: "Delete your account permanently?",
    deleteConfirmLabel: "Type your primary email address, {email}, to confirm",
    deleteSubmit: "Delete my account",
    deleting: "Deleting…",
    deleteNoEmail: "Your account has no email address to confirm with. Contact privacy@omnizen.ai to delete it.",
  },
  bn: {
    profileTitle: "প্রোফাইল",
    profileDescription: "আপনার অ্যাকাউন্টের নাম, ইমেইল ঠিকানা ও ফোন নম্বর।",
    name: "নাম",
    email: "ইমেইল",
    emailHint: "নতুন ঠিকানাটি আমাদের পাঠানো ইমেইল থেকে যাচাই করার পর ব্যবহার হবে।",
    phone: "ফোন",
    phoneHint: "আন্তর্জাতিক ফরম্যাট (E.164), যেমন +৮৮০১৭১২৩৪৫৬৭৮। না থাকলে খালি রাখুন।",
    save: "সংরক্ষণ",
    saving: "সংরক্ষণ হচ্ছে…",
    saved: "সংরক্ষিত হয়েছে।",
    saveFailed: "সংরক্ষণ ব্যর্থ: {message}",
    pendingEmail: "যাচাইয়ের অপেক্ষায়: {email}। এই ঠিকানা ব্যবহার করতে আমাদের পাঠানো ইমেইলের লিংক খুলুন।",
    pendingPhone: "যাচাইয়ের অপেক্ষায়: {phone}। এই নম্বর ব্যবহার করতে এসএমএসে পাঠানো কোডটি দিন।",
    noChanges: "সংরক্ষণের মতো কিছু নেই।",
    privacyTitle: "গোপনীয়তা",
    privacyDescription: "আপনার অনুরোধ কীভাবে ক্যাশ হয় এবং কোথায় প্রক্রিয়া করা যাবে।",
    cacheTitle: "প্রম্পট ক্যাশ",
    cacheLabel: "একই অনুরোধ ক্যাশ করুন",
    cacheExplain:
      "চালু থাকলে একই অনুরোধের উত্তর প্রদানকারীকে আবার না ডেকে এক ঘণ্টা পর্যন্ত ক্যাশ থেকে দেওয়া হয় (খরচ কম)। " +
      "এন্ট্রিগুলো হ্যাশ দিয়ে রাখা হয় এবং এক ঘণ্টা পর মুছে যায়।",
    cacheOffWarning: "ক্যাশ বন্ধ করলে আপনার অ্যাকাউন্টের সব ক্যাশ করা এন্ট্রিও সঙ্গে সঙ্গে মুছে যায়।",
    cacheSaved: "প্রম্পট ক্যাশ চালু আছে।",
    cacheOffSaved: "প্রম্পট ক্যাশ বন্ধ এবং এর এন্ট্রিগুলো মুছে ফেলা হয়েছে।",
    jurisdictionsTitle: "অনুমোদিত অঞ্চল",
    jurisdictionsExplain:
      "অনুরোধ শুধু সেই প্রদানকারীদের কাছে পাঠানো হয় যারা আপনার অনুমতি দেওয়া জায়গায় তথ্য প্রক্রিয়া করে। কোনো কী " +
      "এটিকে আরও সীমিত করতে পারে, কখনো বাড়াতে পারে না।",
    jurisdictionsSave: "অঞ্চল সংরক্ষণ করুন",
    dangerTitle: "বিপজ্জনক অঞ্চল",
    dangerDescription: "আপনার তথ্য সঙ্গে নিয়ে যান, অথবা omnizen থেকে মুছে ফেলুন।",
    exportTitle: "আপনার তথ্য রপ্তানি করুন",
    exportExplain:
      "আপনার অ্যাকাউন্ট সম্পর্কে সংরক্ষিত সবকিছু একটি JSON ফাইল হিসেবে ডাউনলোড করুন: প্রোফাইল, কী (গোপন মান ছাড়া), " +
      "ব্যবহারের রেকর্ড ও বিলিং ইতিহাস। কখনো কোনো প্রম্পট বা উত্তরের বিষয়বস্তু নয়; omnizen তা সংরক্ষণ করে না।",
    exportButton: "JSON হিসেবে রপ্তানি",
    exporting: "রপ্তানি হচ্ছে…",
    exportProgress: "{size} পাওয়া গেছে",
    exportDone: "আপনার রপ্তানি ডাউনলোড হয়েছে ({size})।",
    exportFailed: "রপ্তানি ব্যর্থ: {message}",
    deleteTitle: "আপনার অ্যাকাউন্ট মুছুন",
    deleteExplain:
      "অ্যাকাউন্ট মুছলে এখনই এবং একবারে মুছে যায়: আপনার প্রোফাইল ও সাইন ইন, সব এপিআই কী (সঙ্গে সঙ্গে প্রত্যাখ্যাত), " +
      "ব্যবহার ও বিলিংয়ের রেকর্ড, ক্যাশ করা এন্ট্রি এবং পেমেন্ট গ্রাহকের রেকর্ড। অবশিষ্ট ক্রেডিট হারিয়ে যায়। কপি " +
      "চাইলে আগে আপনার তথ্য রপ্তানি করুন। এটি আর ফেরানো যাবে না।",
    deleteOpen: "অ্যাকাউন্ট মুছুন…",
    deleteDialogTitle: "আপনার অ্যাকাউন্ট স্থায়ীভাবে মুছবেন?",
    deleteConfirmLabel: "নিশ্চিত করতে আপনার প্রধান ইমেইল ঠিকানা, {email}, লিখুন",
    deleteSubmit: "আমার অ্যাকাউন্ট মুছুন",
    deleting: "মোছা হচ্ছে…",
    deleteNoEmail: "নিশ্চিত করার মতো কোনো ইমেইল ঠিকানা আপনার অ্যাকাউন্টে নেই। মুছতে privacy@omnizen.ai এ যোগাযোগ করুন।",
  },
});
