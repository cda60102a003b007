import { defineMessages } from "../../lib/i18n";

export const chartMessages = defineMessages({
  en: {
    other: "Other models",
    day: "Day",
    total: "Total",
    showTable: "Show the numbers as a table",
    tableCaption: "{title} (table)",
    summary: "{title}: {total} over {days} days across {models} models. Busiest day: {peakDay} ({peakValue}).",
    summaryEmpty: "{title}: nothing in this period.",
    empty: "No requests in this period.",
  },
  bn: {
    other: "অন্যান্য মডেল",
    day: "দিন",
    total: "মোট",
    showTable: "সংখ্যাগুলো সারণিতে দেখুন",
    tableCaption: "{title} (সারণি)",
    summary: "{title}: {days} দিনে {models}টি মডেলে মোট {total}। সবচেয়ে ব্যস্ত দিন: {peakDay} ({peakValue})।",
    summaryEmpty: "{title}: এই সময়ে কিছু নেই।",
    empty: "এই সময়ে কোনো অনুরোধ নেই।",
  },
});
