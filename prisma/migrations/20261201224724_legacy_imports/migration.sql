-- CreateTable
CREATE TABLE "legacy_imports" (
    "id" SERIAL NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "imported_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "users" INTEGER NOT NULL,
    "follows" INTEGER NOT NULL,
    "messages" INTEGER NOT NULL,

    CONSTRAINT "legacy_imports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "legacy_imports_fingerprint_key" ON "legacy_imports"("fingerprint");

