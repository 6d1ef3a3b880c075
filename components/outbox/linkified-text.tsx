import { Fragment } from "react";

const urlPattern = /(https?:\/\/[^\s<>"]+)/g;

/** Plain email text with its URLs made clickable (the outbox shows the text part of mails). */
export function LinkifiedText({ text }: { text: string }) {
  const parts = text.split(urlPattern);
  return (
    <pre className="whitespace-pre-wrap break-all font-sans text-sm text-zinc-700">
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <a key={i} href={part} className="font-medium text-blue-700 underline">
            {part}
          </a>
        ) : (
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </pre>
  );
}
