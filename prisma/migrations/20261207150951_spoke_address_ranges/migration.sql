-- CreateTable
CREATE TABLE "spoke_address_ranges" (
    "cidr" TEXT NOT NULL,
    "environment_id" UUID NOT NULL,
    "hub_vnet_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "spoke_address_ranges_pkey" PRIMARY KEY ("cidr")
);

-- CreateIndex
CREATE UNIQUE INDEX "spoke_address_ranges_environment_id_key" ON "spoke_address_ranges"("environment_id");

-- AddForeignKey
ALTER TABLE "spoke_address_ranges" ADD CONSTRAINT "spoke_address_ranges_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
