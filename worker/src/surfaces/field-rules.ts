/**
 * The vocabulary of the OpenAI-shaped surfaces' forwarding policies (openai/request-fields.ts,
 * responses/request-fields.ts): a rule per field says whether its value passes, is stripped or is refused.
 */
export type Verdict = "pass" | "strip" | { refuse: string };
export type FieldRule = (value: unknown) => Verdict;

export const pass: FieldRule = () => "pass";
export const strip: FieldRule = () => "strip";
export const absent = (value: unknown): boolean => value === undefined || value === null;
/** Stripped when absent or one of `accepted` (a value that changes nothing), refused with `refusal` otherwise. */
export const stripWhen =
  (accepted: readonly unknown[], refusal: string): FieldRule =>
  (value) =>
    absent(value) || accepted.includes(value) ? "strip" : { refuse: refusal };
