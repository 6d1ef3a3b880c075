import type { CatalogEntry } from "./types";

// Data Theorem's webhook types are SHOUTING__SNAKE (API_SECURE__POLICY_VIOLATION_RESOLVED); the
// product prefix is dropped and the rest becomes `datatheorem.<object>.<change>`, so one trigger
// (`datatheorem.policy_violation.*`) covers a violation's whole life whichever product found it.
const asset = { name: "shop.example.com", type: "NETWORK_SERVICE", url: "https://shop.example.com", assetGroup: "Retail" };

export const datatheoremEntries: CatalogEntry[] = [
  {
    type: "datatheorem.policy_violation.opened",
    family: "datatheorem",
    label: "Policy violation opened",
    description: "A scan found an asset breaking one of the configured security policies.",
    defaultSeverity: "high",
    example: {
      title: "Policy violation on shop.example.com: TLS certificate expires soon",
      message: "The certificate served by shop.example.com expires in 9 days. Renew and deploy it before then.",
      severity: "high",
      actor: null,
      clientIp: null,
      data: { relevance: "URGENT", status: "OPEN", policy: "Data Theorem", violation: "TLS certificate expires soon", asset },
    },
  },
  {
    type: "datatheorem.policy_violation.resolved",
    family: "datatheorem",
    label: "Policy violation resolved",
    description: "An asset that was breaking a policy no longer does, as confirmed by a later scan.",
    defaultSeverity: "info",
    example: {
      title: "Resolved on shop.example.com: TLS certificate expires soon",
      message: "A new certificate is deployed on shop.example.com; the violation is closed.",
      severity: "info",
      actor: null,
      clientIp: null,
      data: { relevance: "IMPORTANT", status: "RESOLVED", policy: "Data Theorem", violation: "TLS certificate expires soon", asset },
    },
  },
  {
    type: "datatheorem.policy_violation.closed_wont_fix",
    family: "datatheorem",
    label: "Policy violation closed as won't fix",
    description: "Someone accepted the risk of a policy violation and closed it without a fix.",
    defaultSeverity: "low",
    example: {
      title: "Won't fix on shop.example.com: missing security headers",
      message: "m.keller closed the violation with the explanation \"legacy storefront, retired next quarter\".",
      severity: "low",
      actor: "m.keller",
      clientIp: null,
      data: { relevance: "PROACTIVE", status: "WONT_FIX", policy: "Data Theorem", violation: "Missing security headers", exceptionExplanation: "legacy storefront, retired next quarter", asset },
    },
  },
  {
    type: "datatheorem.network_service.discovered",
    family: "datatheorem",
    label: "Network service discovered",
    description: "Asset discovery found a network service, such as a web host or API, that was not in the inventory yet.",
    defaultSeverity: "low",
    example: {
      title: "New network service: staging-api.example.com",
      message: "Discovered through certificate transparency logs; hosted on AWS.",
      severity: "low",
      actor: null,
      clientIp: null,
      data: { discoveredVia: "CERTIFICATE_TRANSPARENCY", hostedOn: "AMAZON_WEB_SERVICES", asset: { name: "staging-api.example.com", type: "NETWORK_SERVICE", url: "https://staging-api.example.com" } },
    },
  },
];
