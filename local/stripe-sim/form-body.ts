/**
 * Decodes Stripe's request encoding: `application/x-www-form-urlencoded` with bracketed keys, as stripe-node writes
 * it (`line_items[0][price_data][unit_amount]=500`, `metadata[user_id]=…`, `expand[0]=…`). Numeric keys build arrays.
 * Values stay strings, as Stripe receives them; the routes convert what they read.
 */

export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

export function decodeFormBody(body: string): FormObject {
  const root: FormObject = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const path = splitKey(rawKey);
    let node: FormObject | FormValue[] = root;
    path.forEach((segment, index) => {
      const last = index === path.length - 1;
      const container = node as Record<string, FormValue>;
      const key = segment === "" && Array.isArray(node) ? String(node.length) : segment;
      if (last) {
        container[key] = value;
        return;
      }
      const nextIsIndex = /^\d*$/.test(path[index + 1] ?? "");
      container[key] ??= nextIsIndex ? [] : {};
      node = container[key] as FormObject | FormValue[];
    });
  }
  return compactArrays(root) as FormObject;
}

function splitKey(key: string): string[] {
  const head = key.split("[", 1)[0] ?? key;
  const rest = [...key.slice(head.length).matchAll(/\[([^\]]*)\]/g)].map((match) => match[1] ?? "");
  return [head, ...rest];
}

/** Sparse arrays (`a[0]`, `a[2]`) become dense, in index order. */
function compactArrays(value: FormValue): FormValue {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(compactArrays);
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, compactArrays(item)]));
  }
  return value;
}

/** Reads a string field, or undefined. */
export function formString(form: FormObject, key: string): string | undefined {
  const value = form[key];
  return typeof value === "string" ? value : undefined;
}

/** Reads a nested object field, or an empty object. */
export function formObject(form: FormObject, key: string): FormObject {
  const value = form[key];
  return value && typeof value === "object" && !Array.isArray(value) ? value : {};
}

/** Reads `metadata`-like string maps. */
export function formStringMap(form: FormObject, key: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(formObject(form, key)).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

/** Reads an integer field (Stripe sends integers as decimal text), or undefined. */
export function formInteger(form: FormObject, key: string): number | undefined {
  const text = formString(form, key);
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  return Number(text);
}

export function formBoolean(form: FormObject, key: string): boolean | undefined {
  const text = formString(form, key);
  return text === undefined ? undefined : text === "true";
}
