import { redirect } from "next/navigation";

export default async function WorkspaceHome({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  // Members is the first section built; the event log takes this place when it exists.
  redirect(`/w/${slug}/members`);
}
