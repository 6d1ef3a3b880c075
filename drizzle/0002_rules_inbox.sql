CREATE TABLE "rule_communities" (
	"rule_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	CONSTRAINT "rule_communities_rule_id_community_id_pk" PRIMARY KEY("rule_id","community_id")
);
--> statement-breakpoint
CREATE TABLE "rule_recipients" (
	"rule_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	CONSTRAINT "rule_recipients_rule_id_user_id_pk" PRIMARY KEY("rule_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "rule_triggers" (
	"rule_id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"pattern" text NOT NULL,
	"literal_prefix" text NOT NULL,
	CONSTRAINT "rule_triggers_rule_id_pattern_pk" PRIMARY KEY("rule_id","pattern")
);
--> statement-breakpoint
CREATE TABLE "rule_versions" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"owner_user_id" uuid,
	"created_by_id" uuid,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"scope" text DEFAULT 'community' NOT NULL,
	"triggers" text[] NOT NULL,
	"conditions" jsonb NOT NULL,
	"notify_in_app" boolean DEFAULT true NOT NULL,
	"recipient_roles" text[] DEFAULT '{}'::text[] NOT NULL,
	"notify_event_user" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rules_kind_check" CHECK ("rules"."kind" in ('personal', 'shared')),
	CONSTRAINT "rules_scope_check" CHECK ("rules"."scope" in ('community', 'workspace', 'communities')),
	CONSTRAINT "rules_owner_check" CHECK (("rules"."kind" = 'personal') = ("rules"."owner_user_id" is not null)),
	CONSTRAINT "rules_recipient_roles_check" CHECK ("rules"."recipient_roles" <@ array['owner', 'admin', 'analyst', 'viewer']::text[]),
	CONSTRAINT "rules_triggers_check" CHECK (cardinality("rules"."triggers") between 1 and 50),
	CONSTRAINT "rules_name_check" CHECK (char_length("rules"."name") between 1 and 120)
);
--> statement-breakpoint
CREATE TABLE "notification_preferences" (
	"workspace_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"in_app" boolean DEFAULT true NOT NULL,
	"email" boolean DEFAULT true NOT NULL,
	"slack" boolean DEFAULT true NOT NULL,
	"teams" boolean DEFAULT true NOT NULL,
	"mattermost" boolean DEFAULT true NOT NULL,
	"discord" boolean DEFAULT true NOT NULL,
	"webhook" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_preferences_workspace_id_user_id_pk" PRIMARY KEY("workspace_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"rule_id" uuid,
	"community_id" uuid,
	"severity" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone,
	"archived_at" timestamp with time zone,
	CONSTRAINT "notifications_severity_check" CHECK ("notifications"."severity" in ('info', 'low', 'medium', 'high', 'critical'))
);
--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "inbox_cap" integer DEFAULT 10000 NOT NULL;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "inbox_auto_archive_days" integer DEFAULT 90 NOT NULL;--> statement-breakpoint
ALTER TABLE "rule_communities" ADD CONSTRAINT "rule_communities_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_communities" ADD CONSTRAINT "rule_communities_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_communities" ADD CONSTRAINT "rule_communities_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_recipients" ADD CONSTRAINT "rule_recipients_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_recipients" ADD CONSTRAINT "rule_recipients_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_recipients" ADD CONSTRAINT "rule_recipients_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_triggers" ADD CONSTRAINT "rule_triggers_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_triggers" ADD CONSTRAINT "rule_triggers_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_versions" ADD CONSTRAINT "rule_versions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rules" ADD CONSTRAINT "rules_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rules" ADD CONSTRAINT "rules_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rules" ADD CONSTRAINT "rules_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rules" ADD CONSTRAINT "rules_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rule_communities_community_id_idx" ON "rule_communities" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "rule_communities_workspace_id_idx" ON "rule_communities" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "rule_recipients_user_id_idx" ON "rule_recipients" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "rule_recipients_workspace_id_idx" ON "rule_recipients" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "rule_triggers_workspace_id_literal_prefix_idx" ON "rule_triggers" USING btree ("workspace_id","literal_prefix","rule_id");--> statement-breakpoint
CREATE INDEX "rules_workspace_id_idx" ON "rules" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "rules_community_id_idx" ON "rules" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "rules_owner_user_id_idx" ON "rules" USING btree ("owner_user_id");--> statement-breakpoint
CREATE INDEX "rules_created_by_id_idx" ON "rules" USING btree ("created_by_id");--> statement-breakpoint
CREATE INDEX "notification_preferences_user_id_idx" ON "notification_preferences" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_user_id_event_id_rule_id_key" ON "notifications" USING btree ("user_id","event_id","rule_id");--> statement-breakpoint
CREATE INDEX "notifications_inbox_idx" ON "notifications" USING btree ("workspace_id","user_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "notifications"."archived_at" is null;--> statement-breakpoint
CREATE INDEX "notifications_archive_idx" ON "notifications" USING btree ("workspace_id","user_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "notifications"."archived_at" is not null;--> statement-breakpoint
CREATE INDEX "notifications_unread_idx" ON "notifications" USING btree ("workspace_id","user_id") WHERE "notifications"."read_at" is null and "notifications"."archived_at" is null;--> statement-breakpoint
CREATE INDEX "notifications_active_created_at_idx" ON "notifications" USING btree ("workspace_id","created_at") WHERE "notifications"."archived_at" is null;--> statement-breakpoint
CREATE INDEX "notifications_event_id_idx" ON "notifications" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "notifications_rule_id_idx" ON "notifications" USING btree ("rule_id");--> statement-breakpoint
ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_inbox_cap_check" CHECK ("workspaces"."inbox_cap" between 100 and 1000000);--> statement-breakpoint
ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_inbox_auto_archive_days_check" CHECK ("workspaces"."inbox_auto_archive_days" between 1 and 3650);--> statement-breakpoint
-- Written by hand (drizzle-kit does not manage triggers): every statement that creates, changes
-- or deletes rules — cascades from a community, a user or the workspace included — bumps its
-- workspace's rule_versions row, which the fan-out reads to know whether its cache still holds.
-- A workspace being deleted is skipped (its row is gone, and its rule_versions row with it).
CREATE FUNCTION "tocsin_bump_rule_versions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO "rule_versions" ("workspace_id", "version")
      SELECT DISTINCT o."workspace_id", 1 FROM "old_rules" o JOIN "workspaces" w ON w."id" = o."workspace_id"
      ON CONFLICT ("workspace_id") DO UPDATE SET "version" = "rule_versions"."version" + 1;
  ELSE
    INSERT INTO "rule_versions" ("workspace_id", "version")
      SELECT DISTINCT n."workspace_id", 1 FROM "new_rules" n JOIN "workspaces" w ON w."id" = n."workspace_id"
      ON CONFLICT ("workspace_id") DO UPDATE SET "version" = "rule_versions"."version" + 1;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "rules_bump_version_insert" AFTER INSERT ON "rules" REFERENCING NEW TABLE AS "new_rules" FOR EACH STATEMENT EXECUTE FUNCTION "tocsin_bump_rule_versions"();--> statement-breakpoint
CREATE TRIGGER "rules_bump_version_update" AFTER UPDATE ON "rules" REFERENCING NEW TABLE AS "new_rules" FOR EACH STATEMENT EXECUTE FUNCTION "tocsin_bump_rule_versions"();--> statement-breakpoint
CREATE TRIGGER "rules_bump_version_delete" AFTER DELETE ON "rules" REFERENCING OLD TABLE AS "old_rules" FOR EACH STATEMENT EXECUTE FUNCTION "tocsin_bump_rule_versions"();
