import type { Level } from "pino";
import { getLogLevel, redirectLogs, setLogLevel } from "./logger";

export type LogLine = { level: number; msg?: string; module?: string; requestId?: string; functionId?: string; runId?: string; [key: string]: unknown };

/** Tests: collects every log line (parsed, and as written) at `level` and above until `stop()`. */
export function captureLogs(level: Level = "debug") {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const restore = redirectLogs({
    write: (line: string) => {
      raw.push(line);
      lines.push(JSON.parse(line) as LogLine);
    },
  });
  const previousLevel = getLogLevel();
  setLogLevel(level);
  return {
    lines,
    /** Everything written, as one string: for "this secret appears nowhere". */
    text: () => raw.join(""),
    stop: () => {
      restore();
      setLogLevel(previousLevel as Level);
    },
  };
}
