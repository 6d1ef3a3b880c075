import { z } from "zod";
import { roles } from "@/server/db/schema";

export const roleSchema = z.enum(roles, { message: "Choose owner, admin, analyst or viewer" });
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "An email address has at most 254 characters")
  .pipe(z.email({ message: "Enter a valid email address" }));

export const membershipIdSchema = z.uuid({ message: "Not a member id" });
export const invitationIdSchema = z.uuid({ message: "Not an invitation id" });

export const inviteMemberInput = z.object({ email: emailSchema, role: roleSchema });
export const changeMemberRoleInput = z.object({ membershipId: membershipIdSchema, role: roleSchema });
export const removeMemberInput = z.object({ membershipId: membershipIdSchema });
export const invitationRefInput = z.object({ invitationId: invitationIdSchema });
export const invitationTokenInput = z.object({ token: z.string().trim().min(20, "Not an invitation link").max(200) });
