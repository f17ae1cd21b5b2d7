-- AlterTable
ALTER TABLE "users" ADD COLUMN     "entra_roles" "PortalRole"[] DEFAULT ARRAY[]::"PortalRole"[];
