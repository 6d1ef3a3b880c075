"use client";

import { MAX_CEL_LENGTH } from "@/server/rules/rule-definition";
import { parseCelProblem, type CelProblem } from "./cel-problem";

export type CelFieldHelp = readonly { name: string; type: string; description: string }[];

type Props = {
  value: string;
  onChange: (value: string) => void;
  /** The server's verdict on the expression as typed (rule.validate, debounced). */
  status: "idle" | "checking" | "checked";
  errors?: string[];
  /** What `event` offers in an expression (server/rules/cel.ts), for the help below the field. */
  fields: CelFieldHelp;
};

/** The optional CEL expression, checked by the server as it is typed. */
export function CelField({ value, onChange, status, errors, fields }: Props) {
  const problem = errors?.length ? parseCelProblem(errors[0]!, value) : null;
  const invalid = Boolean(problem);

  return (
    <div className="space-y-1.5">
      <label htmlFor="rule-cel" className="block text-sm font-medium text-zinc-800">
        CEL expression <span className="font-normal text-zinc-500">(optional)</span>
      </label>
      <textarea
        id="rule-cel"
        rows={3}
        spellCheck={false}
        maxLength={MAX_CEL_LENGTH}
        className="block w-full rounded-md border border-zinc-300 px-3 py-2 font-mono text-sm shadow-sm placeholder:text-zinc-400 focus:border-zinc-900 focus:ring-1 focus:ring-zinc-900 focus:outline-none aria-invalid:border-red-600 aria-invalid:ring-red-600"
        placeholder={'event.severityRank >= 3 && event.actor != null && !event.actor.endsWith("@example.com")'}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={invalid ? true : undefined}
        aria-describedby="rule-cel-status"
      />
      <div id="rule-cel-status" aria-live="polite" data-testid="cel-status">
        {problem ? (
          <CelProblemView expression={value} problem={problem} />
        ) : value.trim() && status === "checking" ? (
          <p className="text-xs text-zinc-500">Checking…</p>
        ) : value.trim() && status === "checked" ? (
          <p className="text-xs text-emerald-700">✓ Compiles</p>
        ) : (
          <p className="text-xs text-zinc-500">
            For what field conditions cannot say. <code className="font-mono">event</code> has the normalised fields and{" "}
            <code className="font-mono">event.data</code>; the expression must be true.
          </p>
        )}
      </div>
      <details className="text-xs">
        <summary className="cursor-pointer text-zinc-500 hover:text-zinc-900">
          What <code className="font-mono">event</code> offers
        </summary>
        <table className="mt-1 w-full text-left">
          <tbody className="divide-y divide-zinc-100">
            {fields.map((field) => (
              <tr key={field.name}>
                <td className="py-1 pr-3 font-mono whitespace-nowrap text-zinc-900">event.{field.name}</td>
                <td className="py-1 pr-3 whitespace-nowrap text-zinc-500">{field.type}</td>
                <td className="py-1 text-zinc-600">{field.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

/** The error, and the line it is on with a caret under the column, when the server gave one. */
function CelProblemView({ expression, problem }: { expression: string; problem: CelProblem }) {
  const line = problem.line !== undefined ? expression.split("\n")[problem.line - 1] : undefined;
  return (
    <div role="alert" className="text-xs font-medium text-red-700">
      <p>
        {problem.line !== undefined ? `Line ${problem.line}, column ${problem.column}: ` : ""}
        {problem.message}
      </p>
      {line !== undefined && problem.column !== undefined ? (
        <pre className="mt-1 overflow-x-auto rounded bg-red-50 px-2 py-1 font-mono text-[11px] leading-4 text-red-900" aria-hidden>
          {line}
          {"\n"}
          {" ".repeat(Math.max(0, problem.column - 1))}
          {"^".repeat(problem.length ?? 1)}
        </pre>
      ) : null}
    </div>
  );
}
