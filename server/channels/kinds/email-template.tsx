import { Body, Button, Container, Head, Heading, Hr, Html, Link, Preview, render, Section, Text } from "@react-email/components";
import { Fragment } from "react";
import type { Fact } from "./message-facts";

/** Everything the email shows, already cut to size: the template only lays it out (React escapes it). */
export type NotificationEmailProps = {
  preview: string;
  severityLine: string;
  severityColor: string;
  testNotice: string | null;
  title: string;
  message: string | null;
  facts: Fact[];
  details: Fact[];
  /** "12 more details are in Tocsin", when some were left out. */
  omittedDetails: string | null;
  /** The truncation marker, when something was cut and no marker shows yet. */
  truncationNotice: string | null;
  eventUrl: string;
  actionLabel: string;
  /** Why this email came: the rule, or the send test. */
  reason: string;
  ruleUrl: string | null;
  inboxUrl: string;
};

const fontFamily = "ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const styles = {
  body: { margin: 0, backgroundColor: "#f4f4f5", fontFamily },
  container: { maxWidth: "600px", margin: "0 auto", padding: "24px", backgroundColor: "#ffffff", borderRadius: "8px" },
  brand: { margin: "0 0 16px", fontSize: "16px", fontWeight: 700, color: "#b91c1c" },
  test: { margin: "0 0 16px", padding: "12px", backgroundColor: "#fef9c3", borderRadius: "6px", fontSize: "14px", color: "#713f12" },
  heading: { margin: "4px 0 16px", fontSize: "20px", lineHeight: "28px", color: "#111827" },
  message: { margin: "0 0 16px", fontSize: "15px", lineHeight: "22px", color: "#1f2937" },
  label: { padding: "4px 12px 4px 0", fontSize: "13px", color: "#6b7280", verticalAlign: "top", whiteSpace: "nowrap" as const },
  value: { padding: "4px 0", fontSize: "13px", color: "#111827", wordBreak: "break-word" as const },
  subheading: { margin: "16px 0 4px", fontSize: "14px", fontWeight: 700, color: "#111827" },
  note: { margin: "8px 0", fontSize: "13px", color: "#6b7280" },
  button: { display: "inline-block", backgroundColor: "#111827", color: "#ffffff", padding: "10px 18px", borderRadius: "6px", fontWeight: 600, textDecoration: "none" },
  footer: { margin: "0", fontSize: "12px", lineHeight: "18px", color: "#6b7280" },
};

/** Line breaks as <br>: kept in the HTML and in the text part alike. */
function withLineBreaks(text: string) {
  return text.split("\n").map((line, index) => (
    <Fragment key={index}>
      {index > 0 && <br />}
      {line}
    </Fragment>
  ));
}

function FactTable({ facts }: { facts: Fact[] }) {
  return (
    <table className="facts" role="presentation" cellPadding={0} cellSpacing={0} style={{ width: "100%" }}>
      <tbody>
        {facts.map((fact, index) => (
          <tr key={index}>
            <td style={styles.label}>{fact.label}</td>
            <td style={styles.value}>{fact.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function NotificationEmail(props: NotificationEmailProps) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{props.preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Text style={styles.brand}>Tocsin</Text>
          {props.testNotice && <Text style={styles.test}>{props.testNotice}</Text>}
          <Text style={{ margin: 0, fontSize: "13px", fontWeight: 700, color: props.severityColor }}>{props.severityLine}</Text>
          <Heading as="h1" style={styles.heading}>
            {props.title}
          </Heading>
          {props.message && <Text style={styles.message}>{withLineBreaks(props.message)}</Text>}
          <Section>
            <FactTable facts={props.facts} />
          </Section>
          {props.details.length > 0 && (
            <Section>
              <Text style={styles.subheading}>Details</Text>
              <FactTable facts={props.details} />
            </Section>
          )}
          {props.omittedDetails && <Text style={styles.note}>{props.omittedDetails}</Text>}
          {props.truncationNotice && <Text style={styles.note}>{props.truncationNotice}</Text>}
          <Section style={{ margin: "24px 0" }}>
            <Button href={props.eventUrl} style={styles.button}>
              {props.actionLabel}
            </Button>
          </Section>
          <Hr />
          <Text style={styles.footer}>
            {props.reason}
            {props.ruleUrl && (
              <>
                {" "}
                <Link href={props.ruleUrl}>Edit the rule</Link>.
              </>
            )}{" "}
            <Link href={props.inboxUrl}>Open your Tocsin inbox</Link>.
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

// In the text part, facts stay label-beside-value and the title keeps its case.
const plainTextOptions = {
  selectors: [
    { selector: "table.facts", format: "dataTable", options: { maxColumnWidth: 120 } },
    { selector: "h1", options: { uppercase: false } },
  ],
};

/** The email's HTML and plain-text parts. */
export async function renderNotificationEmail(props: NotificationEmailProps): Promise<{ html: string; text: string }> {
  const element = <NotificationEmail {...props} />;
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true, htmlToTextOptions: plainTextOptions })]);
  return { html, text };
}
