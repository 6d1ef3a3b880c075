import { redirect } from "next/navigation";

export default async function WorkspaceHome({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  // The event log is the workspace's home: what arrived, and when.
  redirect(`/w/${slug}/events`);
}
