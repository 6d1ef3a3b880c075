CREATE TABLE "source_maintenance_windows" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "source_maintenance_windows_period_check" CHECK ("source_maintenance_windows"."ends_at" > "source_maintenance_windows"."starts_at"),
	CONSTRAINT "source_maintenance_windows_reason_check" CHECK (char_length("source_maintenance_windows"."reason") <= 500)
);
--> statement-breakpoint
CREATE TABLE "held_notifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"batch_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"rule_id" uuid,
	"user_id" uuid,
	"channel_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "held_notifications_target_check" CHECK (("held_notifications"."user_id" is null) <> ("held_notifications"."channel_id" is null))
);
--> statement-breakpoint
CREATE TABLE "notification_batches" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"key_id" uuid NOT NULL,
	"rule_id" uuid,
	"channel_id" uuid,
	"user_id" uuid,
	"maintenance_window_id" uuid,
	"source_id" uuid,
	"opened_at" timestamp with time zone NOT NULL,
	"release_at" timestamp with time zone NOT NULL,
	"released_at" timestamp with time zone,
	CONSTRAINT "notification_batches_reason_check" CHECK ("notification_batches"."reason" in ('digest', 'quiet_hours', 'maintenance'))
);
--> statement-breakpoint
CREATE TABLE "rule_throttle_hits" (
	"rule_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"fingerprint" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"notified" boolean NOT NULL,
	"suppressed_before" integer DEFAULT 0 NOT NULL,
	"suppressed_after" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "rule_throttle_hits_rule_id_event_id_pk" PRIMARY KEY("rule_id","event_id")
);
--> statement-breakpoint
CREATE TABLE "audit_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"actor_user_id" uuid,
	"actor_email" text,
	"actor_ip" text,
	"object_type" text NOT NULL,
	"object_id" text NOT NULL,
	"object_label" text NOT NULL,
	"verb" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"changes" jsonb NOT NULL,
	"private_to_user_id" uuid,
	"event_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_entries_object_type_check" CHECK ("audit_entries"."object_type" in ('rule', 'channel', 'source', 'member', 'invitation', 'community', 'workspace', 'maintenance_window')),
	CONSTRAINT "audit_entries_verb_check" CHECK ("audit_entries"."verb" in ('created', 'updated', 'deleted'))
);
--> statement-breakpoint
CREATE TABLE "exception_notices" (
	"fingerprint" text PRIMARY KEY NOT NULL,
	"exception_class" text NOT NULL,
	"message" text NOT NULL,
	"traceback" text NOT NULL,
	"origin" text NOT NULL,
	"workspace_id" uuid,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"occurrences" integer DEFAULT 1 NOT NULL,
	"last_notified_at" timestamp with time zone,
	"suppressed_since_notice" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "instance_settings" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"email_from" text,
	"exception_emails" text[] DEFAULT '{}'::text[] NOT NULL,
	"exception_teams_url_sealed" text,
	"exception_teams_url_masked" text,
	"secrets_key_id" text,
	"exception_rate_limit_seconds" integer DEFAULT 3600 NOT NULL,
	"updated_by_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "instance_settings_singleton_check" CHECK ("instance_settings"."id" = 1),
	CONSTRAINT "instance_settings_exception_rate_limit_check" CHECK ("instance_settings"."exception_rate_limit_seconds" between 60 and 604800)
);
--> statement-breakpoint
ALTER TABLE "intake_sources" ADD COLUMN "silent_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "intake_sources" ADD COLUMN "silent_last_event_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rules" ADD COLUMN "throttle_seconds" integer;--> statement-breakpoint
ALTER TABLE "rules" ADD COLUMN "digest_seconds" integer;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD COLUMN "quiet_hours_enabled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD COLUMN "quiet_from_minute" smallint DEFAULT 1320 NOT NULL;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD COLUMN "quiet_to_minute" smallint DEFAULT 420 NOT NULL;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD COLUMN "quiet_weekdays" smallint[] DEFAULT '{0,1,2,3,4,5,6}'::smallint[] NOT NULL;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD COLUMN "quiet_timezone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "batch_id" uuid;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "batch_id" uuid;--> statement-breakpoint
ALTER TABLE "source_maintenance_windows" ADD CONSTRAINT "source_maintenance_windows_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_maintenance_windows" ADD CONSTRAINT "source_maintenance_windows_source_id_intake_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."intake_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_maintenance_windows" ADD CONSTRAINT "source_maintenance_windows_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "held_notifications" ADD CONSTRAINT "held_notifications_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "held_notifications" ADD CONSTRAINT "held_notifications_batch_id_notification_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."notification_batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "held_notifications" ADD CONSTRAINT "held_notifications_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "held_notifications" ADD CONSTRAINT "held_notifications_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "held_notifications" ADD CONSTRAINT "held_notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "held_notifications" ADD CONSTRAINT "held_notifications_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_batches" ADD CONSTRAINT "notification_batches_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_batches" ADD CONSTRAINT "notification_batches_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_batches" ADD CONSTRAINT "notification_batches_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_batches" ADD CONSTRAINT "notification_batches_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_batches" ADD CONSTRAINT "notification_batches_maintenance_window_id_source_maintenance_windows_id_fk" FOREIGN KEY ("maintenance_window_id") REFERENCES "public"."source_maintenance_windows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_batches" ADD CONSTRAINT "notification_batches_source_id_intake_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."intake_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_throttle_hits" ADD CONSTRAINT "rule_throttle_hits_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_throttle_hits" ADD CONSTRAINT "rule_throttle_hits_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_throttle_hits" ADD CONSTRAINT "rule_throttle_hits_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_entries" ADD CONSTRAINT "audit_entries_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_entries" ADD CONSTRAINT "audit_entries_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_entries" ADD CONSTRAINT "audit_entries_private_to_user_id_users_id_fk" FOREIGN KEY ("private_to_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exception_notices" ADD CONSTRAINT "exception_notices_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instance_settings" ADD CONSTRAINT "instance_settings_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "source_maintenance_windows_workspace_id_idx" ON "source_maintenance_windows" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "source_maintenance_windows_source_id_ends_at_idx" ON "source_maintenance_windows" USING btree ("source_id","ends_at");--> statement-breakpoint
CREATE UNIQUE INDEX "held_notifications_target_key" ON "held_notifications" USING btree ("event_id",coalesce("rule_id", '00000000-0000-0000-0000-000000000000'::uuid),coalesce("user_id", '00000000-0000-0000-0000-000000000000'::uuid),coalesce("channel_id", '00000000-0000-0000-0000-000000000000'::uuid));--> statement-breakpoint
CREATE INDEX "held_notifications_batch_id_idx" ON "held_notifications" USING btree ("batch_id");--> statement-breakpoint
CREATE INDEX "held_notifications_workspace_id_idx" ON "held_notifications" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "held_notifications_rule_id_idx" ON "held_notifications" USING btree ("rule_id");--> statement-breakpoint
CREATE INDEX "held_notifications_user_id_idx" ON "held_notifications" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "held_notifications_channel_id_idx" ON "held_notifications" USING btree ("channel_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notification_batches_open_key" ON "notification_batches" USING btree ("reason","key_id") WHERE "notification_batches"."released_at" is null;--> statement-breakpoint
CREATE INDEX "notification_batches_due_idx" ON "notification_batches" USING btree ("release_at") WHERE "notification_batches"."released_at" is null;--> statement-breakpoint
CREATE INDEX "notification_batches_workspace_id_idx" ON "notification_batches" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "notification_batches_rule_id_idx" ON "notification_batches" USING btree ("rule_id");--> statement-breakpoint
CREATE INDEX "notification_batches_channel_id_idx" ON "notification_batches" USING btree ("channel_id");--> statement-breakpoint
CREATE INDEX "notification_batches_user_id_idx" ON "notification_batches" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "notification_batches_maintenance_window_id_idx" ON "notification_batches" USING btree ("maintenance_window_id");--> statement-breakpoint
CREATE INDEX "notification_batches_source_id_idx" ON "notification_batches" USING btree ("source_id");--> statement-breakpoint
CREATE INDEX "rule_throttle_hits_open_window_idx" ON "rule_throttle_hits" USING btree ("rule_id","fingerprint","received_at" DESC NULLS LAST) WHERE "rule_throttle_hits"."notified";--> statement-breakpoint
CREATE INDEX "rule_throttle_hits_workspace_id_idx" ON "rule_throttle_hits" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "rule_throttle_hits_event_id_idx" ON "rule_throttle_hits" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "audit_entries_workspace_id_created_at_idx" ON "audit_entries" USING btree ("workspace_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_entries_workspace_id_object_idx" ON "audit_entries" USING btree ("workspace_id","object_type","object_id");--> statement-breakpoint
CREATE INDEX "audit_entries_actor_user_id_idx" ON "audit_entries" USING btree ("actor_user_id");--> statement-breakpoint
CREATE INDEX "audit_entries_private_to_user_id_idx" ON "audit_entries" USING btree ("private_to_user_id");--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_batch_id_notification_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."notification_batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_batch_id_notification_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."notification_batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_user_id_batch_id_key" ON "notifications" USING btree ("user_id","batch_id") WHERE "notifications"."batch_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_channel_id_batch_id_key" ON "deliveries" USING btree ("channel_id","batch_id") WHERE "deliveries"."batch_id" is not null;--> statement-breakpoint
ALTER TABLE "rules" ADD CONSTRAINT "rules_throttle_seconds_check" CHECK ("rules"."throttle_seconds" is null or "rules"."throttle_seconds" between 60 and 604800);--> statement-breakpoint
ALTER TABLE "rules" ADD CONSTRAINT "rules_digest_seconds_check" CHECK ("rules"."digest_seconds" is null or "rules"."digest_seconds" between 60 and 86400);--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_quiet_minutes_check" CHECK ("notification_preferences"."quiet_from_minute" between 0 and 1439 and "notification_preferences"."quiet_to_minute" between 0 and 1439);--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_quiet_weekdays_check" CHECK ("notification_preferences"."quiet_weekdays" <@ '{0,1,2,3,4,5,6}'::smallint[]);