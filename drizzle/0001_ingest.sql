CREATE TABLE "events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"community_id" uuid,
	"source_id" uuid,
	"type" text NOT NULL,
	"severity" text NOT NULL,
	"title" text NOT NULL,
	"message" text,
	"actor" text,
	"client_ip" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"external_id" text,
	"fingerprint" text,
	"origin" text NOT NULL,
	"data" jsonb,
	"raw" jsonb,
	"fanned_out_at" timestamp with time zone,
	CONSTRAINT "events_severity_check" CHECK ("events"."severity" in ('info', 'low', 'medium', 'high', 'critical')),
	CONSTRAINT "events_origin_check" CHECK ("events"."origin" in ('ingest', 'system', 'audit'))
);
--> statement-breakpoint
CREATE TABLE "ingest_idempotency_keys" (
	"workspace_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"response_status" integer NOT NULL,
	"response_body" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ingest_idempotency_keys_source_id_key_pk" PRIMARY KEY("source_id","key")
);
--> statement-breakpoint
CREATE TABLE "intake_source_tokens" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"display_prefix" text NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "intake_sources" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"name" text NOT NULL,
	"format" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"silence_after_seconds" integer,
	"rate_limit_per_second" integer DEFAULT 100 NOT NULL,
	"last_event_at" timestamp with time zone,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "intake_sources_format_check" CHECK ("intake_sources"."format" in ('generic', 'cloudevents', 'authentik', 'datatheorem', 'slack', 'teams')),
	CONSTRAINT "intake_sources_silence_after_check" CHECK ("intake_sources"."silence_after_seconds" is null or "intake_sources"."silence_after_seconds" between 60 and 2592000),
	CONSTRAINT "intake_sources_rate_limit_check" CHECK ("intake_sources"."rate_limit_per_second" between 1 and 100000)
);
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_source_id_intake_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."intake_sources"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ingest_idempotency_keys" ADD CONSTRAINT "ingest_idempotency_keys_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ingest_idempotency_keys" ADD CONSTRAINT "ingest_idempotency_keys_source_id_intake_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."intake_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intake_source_tokens" ADD CONSTRAINT "intake_source_tokens_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intake_source_tokens" ADD CONSTRAINT "intake_source_tokens_source_id_intake_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."intake_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intake_sources" ADD CONSTRAINT "intake_sources_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intake_sources" ADD CONSTRAINT "intake_sources_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intake_sources" ADD CONSTRAINT "intake_sources_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_workspace_id_received_at_idx" ON "events" USING btree ("workspace_id","received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "events_workspace_id_type_idx" ON "events" USING btree ("workspace_id","type");--> statement-breakpoint
CREATE INDEX "events_community_id_received_at_idx" ON "events" USING btree ("community_id","received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "events_source_id_received_at_idx" ON "events" USING btree ("source_id","received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "events_source_id_external_id_key" ON "events" USING btree ("source_id","external_id") WHERE "events"."external_id" is not null;--> statement-breakpoint
CREATE INDEX "events_unfanned_idx" ON "events" USING btree ("received_at") WHERE "events"."fanned_out_at" is null;--> statement-breakpoint
CREATE INDEX "ingest_idempotency_keys_workspace_id_idx" ON "ingest_idempotency_keys" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "ingest_idempotency_keys_created_at_idx" ON "ingest_idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "intake_source_tokens_token_hash_key" ON "intake_source_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "intake_source_tokens_workspace_id_idx" ON "intake_source_tokens" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "intake_source_tokens_source_id_idx" ON "intake_source_tokens" USING btree ("source_id");--> statement-breakpoint
CREATE INDEX "intake_sources_workspace_id_idx" ON "intake_sources" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "intake_sources_community_id_idx" ON "intake_sources" USING btree ("community_id");--> statement-breakpoint
CREATE UNIQUE INDEX "intake_sources_community_id_name_key" ON "intake_sources" USING btree ("community_id",lower("name"));