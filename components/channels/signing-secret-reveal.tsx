"use client";

import { Button } from "@/components/ui/button";
import { CopyField } from "@/components/ui/copy-field";

/**
 * A new webhook channel's signing secret, right after it is created: receivers need it to verify
 * every request. Unlike a source token it can be revealed again, by whoever may change the channel.
 */
export function SigningSecretReveal({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <div className="space-y-4" data-testid="signing-secret-reveal">
      <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
        <p className="font-semibold">Copy the signing secret into your receiver.</p>
        <p className="mt-0.5">
          Every request carries <code>webhook-id</code>, <code>webhook-timestamp</code> and <code>webhook-signature</code> headers (Standard Webhooks);
          your endpoint verifies them with this secret, e.g. with the <code>standardwebhooks</code> library. You can reveal it again later from the
          channel&apos;s “Signing secret” action.
        </p>
      </div>
      <CopyField id="signing-secret" label="Signing secret" value={secret} />
      <div className="flex justify-end border-t border-zinc-100 pt-4">
        <Button onClick={onDone}>I have copied the secret</Button>
      </div>
    </div>
  );
}
