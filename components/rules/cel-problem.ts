// A CEL error as the editor shows it: the message, and where in the expression (1-based line and
// column) when the error says so — as a code frame (`>  1 | expr` with a `^` under the column,
// what cel-js prints), as "line L, column C", or as a character offset ("at position N").

export type CelProblem = { message: string; line?: number; column?: number; /** Characters to underline from the column. */ length?: number };

function fromOffset(expression: string, offset: number): { line: number; column: number } {
  const before = expression.slice(0, Math.max(0, Math.min(offset, expression.length)));
  const lines = before.split("\n");
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
}

/** A problem the server located by 0-based character range. */
export function celProblemAt(message: string, expression: string, position: number, end?: number): CelProblem {
  const at = fromOffset(expression, position);
  const length = end !== undefined && end > position ? Math.min(end, expression.length) - position : 1;
  // Underline within the line only.
  const lineRest = (expression.split("\n")[at.line - 1] ?? "").length - at.column + 1;
  return { message, ...at, length: Math.max(1, Math.min(length, lineRest)) };
}

export function parseCelProblem(raw: string, expression: string): CelProblem {
  const lines = raw.split("\n");
  const frameAt = lines.findIndex((line) => /^>\s*\d+ \| /.test(line));
  if (frameAt !== -1) {
    const frame = lines[frameAt]!;
    const caret = lines[frameAt + 1] ?? "";
    const gutter = frame.indexOf("| ") + 2;
    const message = lines.slice(0, frameAt).join(" ").trim().replace(/\s+/g, " ");
    const line = Number(/^>\s*(\d+)/.exec(frame)![1]);
    const caretAt = caret.indexOf("^");
    return caretAt >= gutter ? { message, line, column: caretAt - gutter + 1 } : { message, line };
  }
  const lineColumn = /line (\d+),? col(?:umn)? (\d+)/i.exec(raw);
  if (lineColumn) return { message: raw, line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const offset = /\b(?:position|offset|index|character) (\d+)/i.exec(raw);
  if (offset) return { message: raw, ...fromOffset(expression, Number(offset[1])) };
  const column = /\bcol(?:umn)? (\d+)/i.exec(raw);
  if (column) return { message: raw, line: 1, column: Number(column[1]) };
  return { message: raw };
}
