import { z } from "zod";
import { severities } from "@/server/events/severities";
import { eventTypeSchema } from "../event-type";

export const catalogSeverities = severities;
export type CatalogSeverity = (typeof catalogSeverities)[number];

/** Which tool (or Tocsin itself) a type comes from; the rule editor groups the picker by it. */
export const catalogFamilies = ["sekoia", "authentik", "datatheorem", "secobserve", "tocsin", "generic"] as const;
export type CatalogFamily = (typeof catalogFamilies)[number];

export const catalogFamilyLabels: Record<CatalogFamily, string> = {
  sekoia: "Sekoia.io",
  authentik: "authentik",
  datatheorem: "Data Theorem",
  secobserve: "SecObserve",
  tocsin: "Tocsin",
  generic: "Chat webhooks",
};

/** A normalised event as the rule editor shows it: no ids, no timestamps of its own. */
export const catalogExampleSchema = z.strictObject({
  title: z.string().min(1).max(200),
  message: z.string().min(1).max(2000),
  severity: z.enum(catalogSeverities),
  actor: z.string().min(1).nullable(),
  clientIp: z.union([z.ipv4(), z.ipv6()]).nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type CatalogExample = z.infer<typeof catalogExampleSchema>;

export const catalogEntrySchema = z.strictObject({
  type: eventTypeSchema,
  family: z.enum(catalogFamilies),
  /**
   * Other families that emit the same type. `intake.silent` is raised by Tocsin's own watcher,
   * but it is also what Sekoia's "no events received" trigger becomes, so a Sekoia filter lists it.
   */
  alsoIn: z.array(z.enum(catalogFamilies)).min(1).optional(),
  label: z.string().min(1).max(60),
  description: z.string().min(10).max(300),
  defaultSeverity: z.enum(catalogSeverities),
  example: catalogExampleSchema,
});
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;
