"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, useSyncExternalStore, type FormEvent } from "react";
import { useNow } from "@/components/sources/relative-time";
import { getFieldErrors, getFormError, useTRPC, type FieldErrors } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { parseForm } from "@/components/ui/parse-form";
import { Switch } from "@/components/ui/switch";
import { cn } from "@/lib/utils";
import type { NotificationPreferences } from "@/server/inbox/preferences";
import {
  describeQuietHours,
  formatMinuteOfDay,
  parseMinuteOfDay,
  quietHoursSchema,
  quietPeriodAt,
  weekdayNames,
  weekdayOrder,
  type QuietHours,
} from "@/server/inbox/quiet-hours";

type Values = { enabled: boolean; from: string; to: string; weekdays: number[]; timezone: string };

const valuesOf = (quiet: QuietHours): Values => ({
  enabled: quiet.enabled,
  from: formatMinuteOfDay(quiet.fromMinute),
  to: formatMinuteOfDay(quiet.toMinute),
  weekdays: quiet.weekdays,
  timezone: quiet.timezone,
});

/** The form's values as quiet hours, or null while a field does not parse. */
function quietHoursOf(values: Values): QuietHours | null {
  const parsed = quietHoursSchema.safeParse({
    enabled: values.enabled,
    fromMinute: parseMinuteOfDay(values.from),
    toMinute: parseMinuteOfDay(values.to),
    weekdays: values.weekdays,
    timezone: values.timezone,
  });
  return parsed.success ? parsed.data : null;
}

/** "Mon 07:00" in the quiet hours' zone, when `now` is inside a quiet period. */
function quietEnd(quiet: QuietHours, now: number): string | null {
  const period = quietPeriodAt(quiet, new Date(now));
  if (!period) return null;
  return new Intl.DateTimeFormat("en-GB", { timeZone: quiet.timezone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(period.endsAt);
}

const subscribeToNothing = () => () => {};

/** The browser's own zone, when it is one the schema accepts. */
function browserTimezone(): string | null {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return zone && quietHoursSchema.shape.timezone.safeParse(zone).success ? zone : null;
  } catch {
    return null;
  }
}

// The zones this browser knows, for the field's suggestions; one array, so React sees it unchanged.
const noZones: string[] = [];
let zoneList: string[] | null = null;
function knownTimezones(): string[] {
  zoneList ??= typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : noZones;
  return zoneList;
}

/**
 * The caller's quiet hours in this workspace: on/off, from/to, the days a quiet period starts on,
 * the timezone (the browser's until the member picks one), and a sentence of what they do.
 */
export function QuietHoursForm({ workspaceSlug, initial }: { workspaceSlug: string; initial: NotificationPreferences }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const queryOptions = trpc.preference.get.queryOptions({ workspaceSlug }, { initialData: initial });
  const preferences = useQuery(queryOptions);
  const saved = (preferences.data ?? initial).quietHours;
  const [edited, setValues] = useState<Values>(() => valuesOf(saved));
  const [zoneTyped, setZoneTyped] = useState(false);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [justSaved, setJustSaved] = useState(false);
  const update = useMutation(
    trpc.preference.updateQuietHours.mutationOptions({
      onSuccess: (next) => {
        queryClient.setQueryData(queryOptions.queryKey, next);
        setValues(valuesOf(next.quietHours));
        setZoneTyped(true);
        setJustSaved(true);
      },
    }),
  );
  const errors = { ...getFieldErrors(update.error), ...clientErrors };

  // A member who never chose a zone is offered the browser's (known only in the browser), else
  // the workspace's; typing one, or saving, makes it theirs.
  const browserZone = useSyncExternalStore(subscribeToNothing, browserTimezone, () => null);
  const zoneSource = zoneTyped || saved.timezoneChosen ? "saved" : browserZone ? "browser" : "workspace";
  const values: Values = zoneSource === "browser" ? { ...edited, timezone: browserZone! } : edited;
  const zones = useSyncExternalStore(subscribeToNothing, knownTimezones, () => noZones);

  const change = (patch: Partial<Values>) => {
    setValues((v) => ({ ...v, ...patch }));
    setJustSaved(false);
  };
  const toggleDay = (day: number) => change({ weekdays: values.weekdays.includes(day) ? values.weekdays.filter((d) => d !== day) : [...values.weekdays, day] });

  const current = quietHoursOf(values);
  const now = useNow();
  const quietUntil = current && now !== null ? quietEnd(current, now) : null;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const fromMinute = parseMinuteOfDay(values.from);
    const toMinute = parseMinuteOfDay(values.to);
    const parsed = parseForm(
      quietHoursSchema,
      { enabled: values.enabled, fromMinute: fromMinute ?? Number.NaN, toMinute: toMinute ?? Number.NaN, weekdays: values.weekdays, timezone: values.timezone },
      setClientErrors,
    );
    if (parsed) update.mutate({ workspaceSlug, ...parsed });
  }

  const zoneHint =
    zoneSource === "browser" ? "Your browser's timezone; save to keep it." : zoneSource === "workspace" ? "The workspace's timezone; save to keep it." : "IANA name, e.g. Europe/Paris";

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate data-testid="quiet-hours-form">
      <FormError message={getFormError(update.error)} />
      <div className="flex items-center justify-between gap-4">
        <div>
          <p className="text-sm font-medium text-zinc-900">Quiet hours</p>
          <p className="text-xs text-zinc-500">Hold non-critical email and chat notifications at night or on days off.</p>
        </div>
        <Switch checked={values.enabled} aria-label="Quiet hours" onClick={() => change({ enabled: !values.enabled })} />
      </div>

      <fieldset disabled={!values.enabled} className={cn("space-y-4", !values.enabled && "opacity-60")}>
        <div className="grid gap-4 sm:grid-cols-3">
          <Field id="quiet-from" label="From" errors={errors.fromMinute}>
            <Input id="quiet-from" type="time" value={values.from} onChange={(e) => change({ from: e.target.value })} aria-invalid={errors.fromMinute ? true : undefined} />
          </Field>
          <Field id="quiet-to" label="To" hint={values.to <= values.from ? (values.to === values.from ? "A whole day" : "The next day") : undefined} errors={errors.toMinute}>
            <Input id="quiet-to" type="time" value={values.to} onChange={(e) => change({ to: e.target.value })} aria-invalid={errors.toMinute ? true : undefined} />
          </Field>
          <Field id="quiet-timezone" label="Timezone" hint={zoneHint} errors={errors.timezone}>
            <Input
              id="quiet-timezone"
              list="quiet-timezones"
              value={values.timezone}
              onChange={(e) => (change({ timezone: e.target.value }), setZoneTyped(true))}
              aria-invalid={errors.timezone ? true : undefined}
              autoComplete="off"
            />
            <datalist id="quiet-timezones">
              {zones.map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
          </Field>
        </div>

        <div className="space-y-1.5">
          <p className="text-sm font-medium text-zinc-800" id="quiet-days-label">
            Starting on
          </p>
          <div className="flex flex-wrap gap-1.5" role="group" aria-labelledby="quiet-days-label">
            {weekdayOrder.map((day) => {
              const on = values.weekdays.includes(day);
              return (
                <button
                  key={day}
                  type="button"
                  aria-pressed={on}
                  title={weekdayNames[day]}
                  onClick={() => toggleDay(day)}
                  className={cn(
                    "h-8 min-w-12 rounded-md border px-2 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900",
                    on ? "border-zinc-900 bg-zinc-900 text-white" : "border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-100",
                  )}
                >
                  {weekdayNames[day].slice(0, 3)}
                </button>
              );
            })}
          </div>
          {errors.weekdays?.length ? (
            <p role="alert" className="text-xs font-medium text-red-700">
              {errors.weekdays[0]}
            </p>
          ) : (
            <p className="text-xs text-zinc-500">A period that runs past midnight belongs to the day it starts on.</p>
          )}
        </div>
      </fieldset>

      <p className="rounded-md bg-zinc-50 px-3 py-2 text-sm text-zinc-700" data-testid="quiet-hours-sentence">
        {current ? describeQuietHours(current) : "Complete the times, days and timezone to see what happens."}
        {quietUntil ? <span className="mt-1 block font-medium text-zinc-900">Quiet now, until {quietUntil}.</span> : null}
      </p>

      <div className="flex items-center justify-end gap-3">
        {justSaved ? (
          <span className="text-sm text-emerald-700" role="status">
            Saved
          </span>
        ) : null}
        <Button type="submit" disabled={update.isPending}>
          Save quiet hours
        </Button>
      </div>
    </form>
  );
}
