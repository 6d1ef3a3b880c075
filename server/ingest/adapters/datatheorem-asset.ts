import { dropEmpty, pickObject, type JsonObject } from "../json";
import { pickText } from "../text";

export type DataTheoremAsset = {
  uuid?: string;
  name?: string;
  type?: string;
  url?: string;
  portalUrl?: string;
  hostedOn?: string;
  discoveredVia?: string;
  assetGroup?: string;
};

/** The fields of a Data Theorem asset (network service, API, cloud resource) rules match on. */
export function describeDataTheoremAsset(asset: JsonObject | null | undefined): DataTheoremAsset | null {
  if (!asset) return null;
  const described = dropEmpty({
    uuid: pickText(asset.uuid),
    // Network services name themselves by domain in some payloads, by name in others.
    name: pickText(asset.name, pickObject(asset, "domain_name")?.name, asset.url),
    type: pickText(asset.type, asset.asset_type),
    url: pickText(asset.url),
    portalUrl: pickText(asset.portal_url),
    hostedOn: pickText(asset.hosted_on),
    discoveredVia: pickText(asset.discovered_via),
    assetGroup: pickText(pickObject(asset, "belongs_to_asset_group")?.name),
  }) as DataTheoremAsset;
  return Object.keys(described).length ? described : null;
}
