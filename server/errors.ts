// Errors of the domain, thrown by server/ functions and translated once at each boundary
// (tRPC: server/api/trpc.ts; HTTP routes: their own JSON error bodies).
export type DomainErrorCode = "BAD_REQUEST" | "NOT_FOUND" | "FORBIDDEN" | "CONFLICT";

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  /** The input field the error is about, so a form can show it beside that field. */
  readonly field?: string;
  /** Several fields at once (e.g. every problem of a rule), keyed by dotted path such as `conditions.cel`. */
  readonly fieldErrors?: Record<string, string[]>;

  constructor(code: DomainErrorCode, message: string, options: { field?: string; fieldErrors?: Record<string, string[]> } = {}) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.field = options.field;
    this.fieldErrors = options.fieldErrors;
  }
}

/** True when `error` (or one it wraps, as Drizzle does) is a unique-constraint violation. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return hasPostgresErrorCode(error, "23505", constraint);
}

/** A row pointed at something that is gone (e.g. a source deleted by another instance). */
export function isForeignKeyViolation(error: unknown, constraint?: string): boolean {
  return hasPostgresErrorCode(error, "23503", constraint);
}

/** Whether the error, or one of its causes (drizzle wraps driver errors), carries this SQLSTATE. */
function hasPostgresErrorCode(error: unknown, code: string, constraint?: string): boolean {
  for (let current = error; current instanceof Error || isRecord(current); current = getCause(current)) {
    if (isRecord(current) && current.code === code) {
      if (!constraint) return true;
      const name = current.constraint ?? current.constraint_name;
      return name === constraint || (typeof current.message === "string" && current.message.includes(constraint));
    }
    if (!getCause(current)) break;
  }
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function getCause(value: unknown): unknown {
  return isRecord(value) ? value.cause : undefined;
}
