// The five severity levels, lowest first. Dependency-free so that client code (rule editor,
// event filters) can import it without the database layer.
export const severities = ["info", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof severities)[number];
