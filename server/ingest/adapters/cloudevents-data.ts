type DecodeResult = { ok: true; value: unknown } | { ok: false; message: string };

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** JSON unless the producer says otherwise: the JSON format's default for `data`. */
function isJsonContentType(contentType: string | null | undefined): boolean {
  if (!contentType) return true;
  const mediaType = contentType.split(";")[0]!.trim().toLowerCase();
  return mediaType === "application/json" || mediaType === "text/json" || mediaType.endsWith("+json");
}

/**
 * The event's payload: `data` as given, or `data_base64` decoded and, for a JSON content type,
 * parsed, so its fields can feed the title and severity. Binary that is not JSON stays in raw only.
 */
export function decodeCloudEventData(
  data: unknown,
  dataBase64: string | null | undefined,
  contentType: string | null | undefined,
): DecodeResult {
  if (dataBase64 == null) return { ok: true, value: data ?? null };
  const compact = dataBase64.replace(/\s+/g, "");
  if (!base64Pattern.test(compact)) return { ok: false, message: "Is not valid base64" };
  if (!isJsonContentType(contentType)) return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(Buffer.from(compact, "base64").toString("utf8")) as unknown };
  } catch {
    return { ok: true, value: null };
  }
}
