export type JsonObject = { [key: string]: unknown };

/** True for `{…}` — not null, not an array, not a Date or other class instance. */
export function isPlainObject(value: unknown): value is JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** How a JSON value is named in an error message: "null", "an array", "a number", … */
export function describeJsonValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return "a string";
  if (typeof value === "number") return "a number";
  if (typeof value === "boolean") return "a boolean";
  return typeof value;
}

/** `object[key]` when it is a plain object. */
export function pickObject(object: JsonObject | null | undefined, key: string): JsonObject | null {
  const value = object?.[key];
  return isPlainObject(value) ? value : null;
}

/** A copy of `object` without the entries whose value is undefined or null. */
export function dropEmpty(object: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined && value !== null));
}
