import { z } from "zod";
import { displayNameSchema } from "@/server/display-name";

export const communityNameSchema = displayNameSchema("community");

export const communityIdSchema = z.uuid({ message: "Not a community id" });

export const createCommunityInput = z.object({ name: communityNameSchema });
export const renameCommunityInput = z.object({ communityId: communityIdSchema, name: communityNameSchema });
export const deleteCommunityInput = z.object({
  communityId: communityIdSchema,
  confirmName: z.string().trim().min(1, "Type the community's name to confirm"),
});
