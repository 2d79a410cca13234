-- Select
SET SESSION group_replication_consistency = 'BEFORE';
SELECT `payload`, `sliding_window_us`, `expires_at`, `absolute_expires_at` FROM `app`.`web_sessions` WHERE `sid` = @id AND `expires_at` > @now;

-- ExtendAndSelect
SET SESSION group_replication_consistency = 'BEFORE';
UPDATE `app`.`web_sessions` SET `touched` = @now, `expires_at` = LEAST(COALESCE(DATE_ADD(@now, INTERVAL `sliding_window_us` MICROSECOND), '9999-12-31 23:59:59.999999'), COALESCE(`absolute_expires_at`, '9999-12-31 23:59:59.999999'))
  WHERE `sid` = @id AND `expires_at` > @now AND `sliding_window_us` IS NOT NULL AND `expires_at` < LEAST(COALESCE(DATE_ADD(@now, INTERVAL CAST(`sliding_window_us` * (1 - @threshold) AS SIGNED) MICROSECOND), '9999-12-31 23:59:59.999999'),
    COALESCE(`absolute_expires_at`, '9999-12-31 23:59:59.999999'));
SELECT `payload`, `sliding_window_us`, `expires_at`, `absolute_expires_at` FROM `app`.`web_sessions` WHERE `sid` = @id AND `expires_at` > @now;

-- Set
INSERT INTO `app`.`web_sessions` (`sid`, `payload`, `touched`, `expires_at`, `sliding_window_us`, `absolute_expires_at`) VALUES (@id, @data, @now, @expires_at, @sliding_window_us, @absolute_expires_at)
  ON DUPLICATE KEY UPDATE `payload` = VALUES(`payload`), `touched` = VALUES(`touched`), `expires_at` = VALUES(`expires_at`), `sliding_window_us` = VALUES(`sliding_window_us`), `absolute_expires_at` = VALUES(`absolute_expires_at`);

-- Refresh
UPDATE `app`.`web_sessions` SET `touched` = @now, `expires_at` = LEAST(COALESCE(DATE_ADD(@now, INTERVAL `sliding_window_us` MICROSECOND), '9999-12-31 23:59:59.999999'), COALESCE(`absolute_expires_at`, '9999-12-31 23:59:59.999999'))
  WHERE `sid` = @id AND `expires_at` > @now AND `sliding_window_us` IS NOT NULL AND `expires_at` < LEAST(COALESCE(DATE_ADD(@now, INTERVAL CAST(`sliding_window_us` * (1 - @threshold) AS SIGNED) MICROSECOND), '9999-12-31 23:59:59.999999'),
    COALESCE(`absolute_expires_at`, '9999-12-31 23:59:59.999999'));

-- Remove
DELETE FROM `app`.`web_sessions` WHERE `sid` = @id;

-- ReadExpiry
SET SESSION group_replication_consistency = 'BEFORE';
SELECT `sliding_window_us`, `expires_at`, `absolute_expires_at` FROM `app`.`web_sessions` WHERE `sid` = @id AND `expires_at` > @now;

-- SelectMany(3)
SET SESSION group_replication_consistency = 'BEFORE';
SELECT `sid`, `payload`, `sliding_window_us`, `expires_at`, `absolute_expires_at` FROM `app`.`web_sessions` WHERE `sid` IN (@id0, @id1, @id2) AND `expires_at` > @now;

-- RefreshMany(3)
UPDATE `app`.`web_sessions` SET `touched` = @now, `expires_at` = LEAST(COALESCE(DATE_ADD(@now, INTERVAL `sliding_window_us` MICROSECOND), '9999-12-31 23:59:59.999999'), COALESCE(`absolute_expires_at`, '9999-12-31 23:59:59.999999'))
  WHERE `sid` IN (@id0, @id1, @id2) AND `expires_at` > @now AND `sliding_window_us` IS NOT NULL AND `expires_at` < LEAST(COALESCE(DATE_ADD(@now, INTERVAL CAST(`sliding_window_us` * (1 - @threshold) AS SIGNED) MICROSECOND), '9999-12-31 23:59:59.999999'),
    COALESCE(`absolute_expires_at`, '9999-12-31 23:59:59.999999'));

-- SetMany(3)
INSERT INTO `app`.`web_sessions` (`sid`, `payload`, `touched`, `expires_at`, `sliding_window_us`, `absolute_expires_at`) VALUES (@id0, @data0, @now0, @expires_at0, @sliding_window_us0, @absolute_expires_at0),
    (@id1, @data1, @now1, @expires_at1, @sliding_window_us1, @absolute_expires_at1),
    (@id2, @data2, @now2, @expires_at2, @sliding_window_us2, @absolute_expires_at2)
  ON DUPLICATE KEY UPDATE `payload` = VALUES(`payload`), `touched` = VALUES(`touched`), `expires_at` = VALUES(`expires_at`), `sliding_window_us` = VALUES(`sliding_window_us`), `absolute_expires_at` = VALUES(`absolute_expires_at`);

-- RemoveMany(3)
DELETE FROM `app`.`web_sessions` WHERE `sid` IN (@id0, @id1, @id2);

-- ChangeId
UPDATE `app`.`web_sessions` SET `sid` = @new_id, `touched` = @now WHERE `sid` = @id AND `expires_at` > @now;

-- PurgeExpired
DELETE FROM `app`.`web_sessions` WHERE `expires_at` <= @now ORDER BY `expires_at` LIMIT @batch_size;

-- Statistics
SELECT COUNT(*) AS TotalRows, CAST(COALESCE(SUM(`expires_at` <= @now), 0) AS SIGNED) AS ExpiredRows,
       CAST(COALESCE(SUM(LENGTH(`payload`)), 0) AS SIGNED) AS DataBytes,
       MIN(`touched`) AS OldestActivity, MAX(`touched`) AS NewestActivity
  FROM `app`.`web_sessions`;

-- DescribeTable
SELECT COLUMN_NAME AS ColumnName, DATA_TYPE AS DataType, CAST(CHARACTER_MAXIMUM_LENGTH AS SIGNED) AS MaximumLength,
       CAST(CHARACTER_OCTET_LENGTH AS SIGNED) AS OctetLength, COLUMN_TYPE AS ColumnType, IS_NULLABLE = 'YES' AS IsNullable,
       COLLATION_NAME AS CollationName
  FROM INFORMATION_SCHEMA.COLUMNS
  WHERE TABLE_SCHEMA = COALESCE(@schema, DATABASE()) AND TABLE_NAME = @table
  ORDER BY ORDINAL_POSITION;
SELECT CAST(@@max_allowed_packet AS SIGNED) AS MaxAllowedPacket, DATABASE() AS CurrentDatabase;
SHOW VARIABLES WHERE Variable_name IN ('wsrep_on', 'group_replication_group_name');

-- GroupMemberState
SELECT MEMBER_STATE FROM performance_schema.replication_group_members WHERE MEMBER_ID = @@server_uuid;

-- CreateTableDdl
CREATE TABLE IF NOT EXISTS `app`.`web_sessions` (
  `id` CHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `session_data` MEDIUMBLOB NOT NULL,
  `last_active` DATETIME(6) NOT NULL,
  `expires_at` DATETIME(6) NOT NULL,
  `sliding_window_us` BIGINT NULL,
  `absolute_expires_at` DATETIME(6) NULL,
  PRIMARY KEY (`id`),
  KEY `ix_expires_at` (`expires_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- TryTakeSweepLock
SELECT GET_LOCK(@lock_name, 0);

-- ReleaseSweepLock
DO RELEASE_LOCK(@lock_name);

-- EstimateRows
SELECT CAST(COALESCE(TABLE_ROWS, 0) AS SIGNED) FROM INFORMATION_SCHEMA.TABLES
  WHERE TABLE_SCHEMA = COALESCE(@schema, DATABASE()) AND TABLE_NAME = @table;

-- Ping
SELECT 1;

