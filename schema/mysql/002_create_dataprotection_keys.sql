-- SessionStore.DataProtection: the ASP.NET Core Data Protection key ring used by PersistKeysToDbi (MySQL 8.0+ and MariaDB 10.6+).
-- Every server of a web farm reads and writes this table, so each can unprotect the cookies the others protect.
-- Idempotent: safe to run again. Rename `dataprotection_keys` if you set the Table option to another name.
--   id             order of storage; the key ring is read back in this order.
--   friendly_name  the key manager's name for the element (key-{guid}, revocation-...); unique, case-sensitive.
--   xml            the element's XML. It holds the key material (unencrypted unless the app calls ProtectKeysWith...):
--                  let only the app's database user read this table.
--   created_at     UTC instant the element was first stored.
CREATE TABLE IF NOT EXISTS `dataprotection_keys` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `friendly_name` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `xml` MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `created_at` DATETIME(6) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `ux_friendly_name` (`friendly_name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
