import { auditEntries } from "./catalog/audit";
import { authentikIdentityEntries } from "./catalog/authentik-identity";
import { authentikSystemEntries } from "./catalog/authentik-system";
import { datatheoremEntries } from "./catalog/datatheorem";
import { genericEntries } from "./catalog/generic";
import { secobserveEntries } from "./catalog/secobserve";
import { sekoiaEntries } from "./catalog/sekoia";
import { tocsinEntries } from "./catalog/tocsin";
import type { CatalogEntry, CatalogFamily } from "./catalog/types";

export {
  catalogEntrySchema,
  catalogExampleSchema,
  catalogFamilies,
  catalogFamilyLabels,
  catalogSeverities,
  type CatalogEntry,
  type CatalogExample,
  type CatalogFamily,
  type CatalogSeverity,
} from "./catalog/types";

/**
 * Every event type Tocsin knows, in the order the rule editor lists them (by family, then as each
 * tool documents them). Unknown types are still accepted at ingest; this only describes the known.
 * Frozen because it is shared module state that every request reads.
 */
export const eventCatalog: readonly CatalogEntry[] = Object.freeze(
  [
    ...sekoiaEntries,
    ...authentikIdentityEntries,
    ...authentikSystemEntries,
    ...datatheoremEntries,
    ...secobserveEntries,
    ...tocsinEntries,
    ...auditEntries,
    ...genericEntries,
  ].map((entry) => Object.freeze(entry)),
);

const byType = new Map(eventCatalog.map((entry) => [entry.type, entry]));

/** The catalog entry for an exact event type, or undefined when the type is not a known one. */
export function findCatalogEntry(type: string): CatalogEntry | undefined {
  return byType.get(type);
}

/**
 * Catalog entries, optionally of one family. A family filter also returns the entries it shares
 * (`alsoIn`), so filtering on Sekoia shows `intake.silent` as its "no events received".
 */
export function listCatalog(options: { family?: CatalogFamily } = {}): readonly CatalogEntry[] {
  const { family } = options;
  if (!family) return eventCatalog;
  return eventCatalog.filter((entry) => entry.family === family || entry.alsoIn?.includes(family));
}
