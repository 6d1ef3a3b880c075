export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startTocsin } = await import("./server/start");
  await startTocsin();
}
