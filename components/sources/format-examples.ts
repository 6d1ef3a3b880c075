import type { SourceFormat } from "@/server/db/schema/ingest";

export type FormatExample = {
  /** The Content-Type the tool sends; CloudEvents has its own media type. */
  contentType: string;
  body: Record<string, unknown>;
};

/**
 * One small body per format, the shape that tool really posts, for the example and the `curl`
 * commands shown when a token is revealed. Each leaves out ids that would make a second try
 * count as a duplicate where the format allows it, so every `curl` shown creates an event.
 */
export const formatExamples: Record<SourceFormat, FormatExample> = {
  generic: {
    contentType: "application/json",
    body: {
      type: "auth.login_failed",
      severity: "medium",
      title: "Failed login for jdoe",
      message: "Third failed password attempt in 5 minutes.",
      actor: "jdoe",
      clientIp: "203.0.113.7",
      data: { app: "vpn" },
    },
  },
  cloudevents: {
    contentType: "application/cloudevents+json",
    body: {
      specversion: "1.0",
      id: "alert-4711",
      source: "/soc/alerts",
      type: "alert.created",
      subject: "WS-042",
      severity: "high",
      datacontenttype: "application/json",
      data: { title: "Suspicious PowerShell download on WS-042", message: "powershell.exe -nop -w hidden …" },
    },
  },
  authentik: {
    contentType: "application/json",
    body: {
      body: "login_failed: {'username': 'jdoe', 'stage': {'name': 'default-authentication-password'}}",
      severity: "warning",
      user_email: "secops@example.com",
      user_username: "secops",
      event_user_email: "",
      event_user_username: "AnonymousUser",
    },
  },
  datatheorem: {
    contentType: "application/json",
    body: {
      event: {
        type: "API_SECURE__POLICY_VIOLATION_OPENED",
        data: {
          affected_asset: { name: "api.shop.example.com/graphql", type: "GRAPHQL_API", url: "https://api.shop.example.com/graphql" },
          policy_violation_status: "OPEN",
          relevance: "URGENT",
          description: "The GraphQL API allows introspection queries from unauthenticated clients.",
          recommendation: "Disable introspection in production.",
        },
        version: 1,
      },
      host: "securetheorem.com",
    },
  },
  slack: {
    contentType: "application/json",
    body: {
      text: ":warning: *Certificate for vpn.example.com expires in 6 days*\nRenew it before it lapses.",
      username: "cert-watch",
    },
  },
  teams: {
    contentType: "application/json",
    body: {
      "@type": "MessageCard",
      "@context": "https://schema.org/extensions",
      summary: "Dependency scan found 3 vulnerable packages in web-frontend",
      themeColor: "E81123",
      sections: [
        {
          activityTitle: "**Dependency scan** finished for web-frontend",
          facts: [
            { name: "New findings", value: "3" },
            { name: "Highest", value: "high (CVE-2024-29041 in express)" },
          ],
        },
      ],
    },
  },
};
