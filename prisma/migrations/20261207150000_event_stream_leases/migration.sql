-- CreateTable
CREATE TABLE "event_stream_leases" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "session_id" TEXT NOT NULL,
    "renewed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_stream_leases_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "event_stream_leases_user_id_idx" ON "event_stream_leases"("user_id");

-- AddForeignKey
ALTER TABLE "event_stream_leases" ADD CONSTRAINT "event_stream_leases_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
