"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { getFieldErrors, getFormError, useTRPC, type FieldErrors } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { parseForm } from "@/components/ui/parse-form";
import { formatLocalDateTime, parseLocalDateTime } from "@/lib/zoned-time";
import { createMaintenanceWindowInput, maxMaintenanceWindowDays } from "@/server/sources/maintenance-window-schemas";
import { formatWindowSpan, formatWindowTime } from "./maintenance-time";
import { RelativeTime, useNow } from "./relative-time";
import { SourceDialog } from "./source-dialog";
import type { SourceItem } from "./source-types";

type Props = { workspaceSlug: string; timeZone: string; source: SourceItem; canManage: boolean; onClose: () => void };

const hourMs = 3_600_000;

/** The next whole quarter hour, in `timeZone`, as a datetime-local value. */
function nextQuarterHour(timeZone: string, offsetMs = 0): string {
  const quarter = 15 * 60_000;
  return formatLocalDateTime(new Date(Math.ceil((Date.now() + offsetMs) / quarter) * quarter), timeZone);
}

/**
 * A source's maintenance windows: schedule one (admins), see the running one, those to come and
 * the latest past ones; end the running one now, delete one to come. Times are read and shown in
 * the workspace's timezone.
 */
export function MaintenanceDialog({ workspaceSlug, timeZone, source, canManage, onClose }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const windows = useQuery(trpc.maintenanceWindow.list.queryOptions({ workspaceSlug, sourceId: source.id }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.maintenanceWindow.pathKey() });
  const endNow = useMutation(trpc.maintenanceWindow.endNow.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.maintenanceWindow.delete.mutationOptions({ onSuccess: refresh }));
  const tick = useNow();
  // Null only while hydrating; the dialog opens after a click, so in practice always set.
  const now = tick === null ? null : new Date(tick);
  const listError = getFormError(windows.error) ?? getFormError(endNow.error) ?? getFormError(remove.error);
  const data = windows.data;

  return (
    <SourceDialog
      onClose={onClose}
      wide
      title={`Maintenance of ${source.name}`}
      description={
        <>
          While a window runs, notifications about this source&apos;s events are held — in the inbox and on every channel — and arrive as one summary when
          it ends. Times are in {timeZone}.
        </>
      }
    >
      <div className="space-y-5" data-testid="maintenance-dialog">
        {canManage ? <ScheduleForm workspaceSlug={workspaceSlug} timeZone={timeZone} sourceId={source.id} onScheduled={refresh} /> : null}
        <FormError message={listError} />

        {windows.isPending ? <p className="text-sm text-zinc-500">Loading…</p> : null}
        {data && now ? (
          <>
            <section aria-label="Running">
              <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Running</h3>
              {data.current ? (
                <div className="mt-1 flex flex-wrap items-start justify-between gap-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2" data-testid="maintenance-current">
                  <div className="text-sm">
                    <p className="font-medium text-amber-900">
                      In maintenance until {formatWindowTime(data.current.endsAt, timeZone, now)} (<RelativeTime date={data.current.endsAt} timeZone={timeZone} />)
                    </p>
                    <WindowFacts window={data.current} timeZone={timeZone} now={now} />
                  </div>
                  {canManage ? (
                    <Button size="sm" variant="secondary" disabled={endNow.isPending} onClick={() => endNow.mutate({ workspaceSlug, windowId: data.current!.id })}>
                      End now
                    </Button>
                  ) : null}
                </div>
              ) : (
                <p className="mt-1 text-sm text-zinc-500">None: notifications from this source flow as usual.</p>
              )}
            </section>

            <section aria-label="Upcoming">
              <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Upcoming</h3>
              {data.upcoming.length === 0 ? (
                <p className="mt-1 text-sm text-zinc-500">Nothing scheduled.</p>
              ) : (
                <ul className="mt-1 divide-y divide-zinc-100" data-testid="maintenance-upcoming">
                  {data.upcoming.map((window) => (
                    <li key={window.id} className="flex flex-wrap items-start justify-between gap-3 py-2">
                      <div className="text-sm">
                        <p className="font-medium text-zinc-900">{formatWindowSpan(window.startsAt, window.endsAt, timeZone, now)}</p>
                        <WindowFacts window={window} timeZone={timeZone} now={now} />
                      </div>
                      {canManage ? (
                        <Button size="sm" variant="ghost" className="text-red-700" disabled={remove.isPending} onClick={() => remove.mutate({ workspaceSlug, windowId: window.id })}>
                          Delete
                        </Button>
                      ) : null}
                    </li>
                  ))}
                </ul>
              )}
            </section>

            <section aria-label="Past">
              <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Past</h3>
              {data.past.length === 0 ? (
                <p className="mt-1 text-sm text-zinc-500">None yet.</p>
              ) : (
                <ul className="mt-1 divide-y divide-zinc-100" data-testid="maintenance-past">
                  {data.past.map((window) => (
                    <li key={window.id} className="py-2 text-sm">
                      <p className="text-zinc-800">{formatWindowSpan(window.startsAt, window.endsAt, timeZone, now)}</p>
                      <WindowFacts window={window} timeZone={timeZone} now={now} />
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </>
        ) : null}

        <div className="flex justify-end">
          <Button variant="secondary" onClick={onClose}>
            Close
          </Button>
        </div>
      </div>
    </SourceDialog>
  );
}

type WindowItem = { reason: string; createdBy: { name: string | null; email: string } | null; createdAt: Date };

function WindowFacts({ window, timeZone, now }: { window: WindowItem; timeZone: string; now: Date }) {
  const by = window.createdBy ? (window.createdBy.name ?? window.createdBy.email) : "a former member";
  return (
    <p className="text-xs text-zinc-500">
      {window.reason ? <span className="text-zinc-700">{window.reason} · </span> : null}
      Scheduled by {by}, {formatWindowTime(window.createdAt, timeZone, now)}
    </p>
  );
}

function ScheduleForm({ workspaceSlug, timeZone, sourceId, onScheduled }: { workspaceSlug: string; timeZone: string; sourceId: string; onScheduled: () => void }) {
  const trpc = useTRPC();
  const [values, setValues] = useState(() => ({ startsAt: nextQuarterHour(timeZone), endsAt: nextQuarterHour(timeZone, 2 * hourMs), reason: "" }));
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const create = useMutation(
    trpc.maintenanceWindow.create.mutationOptions({
      onSuccess: () => {
        setValues((v) => ({ ...v, reason: "" }));
        onScheduled();
      },
    }),
  );
  const errors = { ...getFieldErrors(create.error), ...clientErrors };
  const set = (key: keyof typeof values) => (event: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: event.target.value }));

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const parsed = parseForm(
      createMaintenanceWindowInput,
      { sourceId, startsAt: parseLocalDateTime(values.startsAt, timeZone) ?? undefined, endsAt: parseLocalDateTime(values.endsAt, timeZone) ?? undefined, reason: values.reason },
      setClientErrors,
    );
    if (parsed) create.mutate({ workspaceSlug, ...parsed });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3 rounded-md border border-zinc-200 p-3" data-testid="maintenance-schedule">
      <FormError message={getFormError(create.error)} />
      <div className="grid gap-3 sm:grid-cols-2">
        <Field id="maintenance-start" label="Starts" hint="A time already past starts it now" errors={errors.startsAt}>
          <Input id="maintenance-start" type="datetime-local" value={values.startsAt} onChange={set("startsAt")} aria-invalid={errors.startsAt ? true : undefined} />
        </Field>
        <Field id="maintenance-end" label="Ends" hint={`At most ${maxMaintenanceWindowDays} days after the start`} errors={errors.endsAt}>
          <Input id="maintenance-end" type="datetime-local" value={values.endsAt} onChange={set("endsAt")} aria-invalid={errors.endsAt ? true : undefined} />
        </Field>
      </div>
      <Field id="maintenance-reason" label="Reason (optional)" errors={errors.reason}>
        <Input id="maintenance-reason" value={values.reason} onChange={set("reason")} maxLength={500} placeholder="e.g. Upgrade to 5.2" aria-invalid={errors.reason ? true : undefined} />
      </Field>
      <div className="flex justify-end">
        <Button type="submit" disabled={create.isPending}>
          Schedule window
        </Button>
      </div>
    </form>
  );
}
