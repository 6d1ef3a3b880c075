// A small, dependency-free HTML layout shared by Tocsin's emails. Every interpolated value is
// escaped: names and emails come from users.

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function renderEmailHtml(options: { heading: string; paragraphs: string[]; action: { label: string; url: string }; footer: string }) {
  const p = (text: string) => `<p style="margin:0 0 16px;font-size:15px;line-height:22px;color:#1f2937">${escapeHtml(text)}</p>`;
  return `<!doctype html>
<html><body style="margin:0;background:#f4f4f5;font-family:ui-sans-serif,system-ui,-apple-system,Segoe UI,Roboto,sans-serif">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:32px 16px">
<table role="presentation" width="480" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:8px;padding:32px">
<tr><td>
<p style="margin:0 0 24px;font-weight:700;font-size:18px;color:#b91c1c">Tocsin</p>
<h1 style="margin:0 0 16px;font-size:20px;color:#111827">${escapeHtml(options.heading)}</h1>
${options.paragraphs.map(p).join("\n")}
<p style="margin:24px 0"><a href="${escapeHtml(options.action.url)}" style="display:inline-block;background:#111827;color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:6px;font-weight:600">${escapeHtml(options.action.label)}</a></p>
<p style="margin:0;font-size:13px;line-height:20px;color:#6b7280">${escapeHtml(options.footer)}</p>
</td></tr></table></td></tr></table>
</body></html>`;
}
