import { expect } from "vitest";
import type { Adapter, AdapterResult, IngestIssue } from "./adapter-result";
import type { NormalisedEvent } from "./normalised-event";

export const receivedAt = new Date("2024-06-01T12:00:00.000Z");
export const context = { receivedAt };

/** The event of a result that must have succeeded (the test fails with the issues otherwise). */
export function expectEvent(result: AdapterResult): NormalisedEvent {
  if (!result.ok) expect.fail(`expected an event, got issues: ${JSON.stringify(result.issues)}`);
  return result.event;
}

/** The issues of a result that must have failed. */
export function expectIssues(result: AdapterResult): IngestIssue[] {
  if (result.ok) expect.fail(`expected issues, got an event of type ${result.event.type}`);
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(issue.path).toMatch(/^event/);
    expect(issue.message.length).toBeGreaterThan(0);
  }
  return result.issues;
}

/** Items that are not JSON objects must each yield one clear issue at `event`, never a throw. */
export function expectNonObjectsRejected(adapter: Adapter): void {
  const cases: [unknown, string][] = [
    [null, "null"],
    [42, "a number"],
    ["login_failed", "a string"],
    [[{ type: "x" }], "an array"],
    [true, "a boolean"],
  ];
  for (const [item, described] of cases) {
    const issues = expectIssues(adapter(item, context));
    expect(issues).toEqual([{ path: "event", message: expect.stringContaining(`got ${described}`) }]);
  }
}
