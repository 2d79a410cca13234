-- SessionStore: the sessions table used by DbiSessionCache (MySQL 8.0+ and MariaDB 10.6+).
-- Idempotent: safe to run again. Rename `sessions` if you set the Table option to another name.
--   id                   CHAR(40), binary collation: a 40-hex-digit digest of the cache key (or the key itself with
--                        KeyStorage = Verbatim); case-sensitive.
--   session_data         the value's bytes, as written (the session middleware writes binary, not UTF-8); up to 16 MiB - 1.
--   last_active          UTC instant of the last write or refresh.
--   expires_at           UTC instant after which the entry is never returned; indexed for cleanup.
--   sliding_window_us    the sliding window in microseconds, or NULL for an entry with only an absolute deadline.
--   absolute_expires_at  UTC deadline a sliding entry never outlives, or NULL.
CREATE TABLE IF NOT EXISTS `sessions` (
  `id` CHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `session_data` MEDIUMBLOB NOT NULL,
  `last_active` DATETIME(6) NOT NULL,
  `expires_at` DATETIME(6) NOT NULL,
  `sliding_window_us` BIGINT NULL,
  `absolute_expires_at` DATETIME(6) NULL,
  PRIMARY KEY (`id`),
  KEY `ix_expires_at` (`expires_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
