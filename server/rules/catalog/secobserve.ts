import type { CatalogEntry } from "./types";

// SecObserve only notifies chat webhooks and email; Tocsin receives these through its Slack and
// Teams formats and recognises them, so they get their own types instead of `slack.message`.
export const secobserveEntries: CatalogEntry[] = [
  {
    type: "secobserve.security_gate.changed",
    family: "secobserve",
    label: "Security gate changed",
    description: "A product's security gate changed between passed, failed and none after new scan results were imported, naming the product, the previous gate and the new one.",
    defaultSeverity: "medium",
    example: {
      title: "Security gate for payments-api changed from Passed to Failed",
      message: "After the latest import, payments-api has 2 open critical observations, above its threshold of 0.",
      severity: "high",
      actor: null,
      clientIp: null,
      data: { product: "payments-api", previousGate: "passed", newGate: "failed", url: "https://secobserve.example.com/#/products/12/show" },
    },
  },
  {
    type: "secobserve.exception",
    family: "secobserve",
    label: "SecObserve exception",
    description: "SecObserve ran into an error of its own, for example while importing scan results.",
    defaultSeverity: "medium",
    example: {
      title: "Exception in SecObserve",
      message: "Importing a SARIF file for payments-api failed: ValidationError: missing field 'runs'.",
      severity: "medium",
      actor: null,
      clientIp: null,
      data: { product: "payments-api", exception: "ValidationError", detail: "missing field 'runs'" },
    },
  },
];
