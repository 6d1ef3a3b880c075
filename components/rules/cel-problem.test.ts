import { describe, expect, it } from "vitest";
import { celProblemAt, parseCelProblem } from "./cel-problem";

describe("parseCelProblem", () => {
  it("reads cel-js code frames", () => {
    expect(parseCelProblem("Unexpected character: &\n\n>    1 | event.a &&& 1\n                   ^", "event.a &&& 1")).toEqual({
      message: "Unexpected character: &",
      line: 1,
      column: 11,
    });
    expect(parseCelProblem("Unexpected token: EOF\n\n>    2 |   foo(\n               ^", "1 +\n  foo(")).toEqual({ message: "Unexpected token: EOF", line: 2, column: 7 });
  });

  it("reads line/column and offsets, or keeps the message alone", () => {
    expect(parseCelProblem("Unknown field at line 1, column 7", "x")).toMatchObject({ line: 1, column: 7 });
    expect(parseCelProblem("Unexpected token at position 5", "ab\ncdef")).toMatchObject({ line: 2, column: 3 });
    expect(parseCelProblem("Took too long", "x")).toEqual({ message: "Took too long" });
  });
});

describe("celProblemAt", () => {
  it("turns a character range into line, column and underline length", () => {
    expect(celProblemAt("event has no field", "event.x == 1 &&\nevent.nope", 22, 26)).toEqual({ message: "event has no field", line: 2, column: 7, length: 4 });
    expect(celProblemAt("bad", "abc", 1)).toEqual({ message: "bad", line: 1, column: 2, length: 1 });
  });
});
