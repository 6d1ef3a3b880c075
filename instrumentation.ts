export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startTocsin } = await import("./server/start");
  try {
    await startTocsin();
  } catch (error) {
    // A server that cannot migrate or has no secret must not serve half-working pages.
    console.error(`[tocsin] cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
