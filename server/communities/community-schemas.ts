import { z } from "zod";

export const communityNameSchema = z
  .string()
  .trim()
  .min(1, "Give the community a name")
  .max(80, "A name has at most 80 characters")
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), "A name cannot contain control characters");

export const communityIdSchema = z.uuid({ message: "Not a community id" });

export const createCommunityInput = z.object({ name: communityNameSchema });
export const renameCommunityInput = z.object({ communityId: communityIdSchema, name: communityNameSchema });
export const deleteCommunityInput = z.object({
  communityId: communityIdSchema,
  confirmName: z.string().trim().min(1, "Type the community's name to confirm"),
});
