-- Select
SET SESSION group_replication_consistency = 'BEFORE';
SELECT `session_data`, CAST(@sliding_window_us AS SIGNED), `last_active`, NULL FROM `sessions` WHERE `id` = @id AND `last_active` > DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND);

-- ExtendAndSelect
SET SESSION group_replication_consistency = 'BEFORE';
UPDATE `sessions` SET `last_active` = @now WHERE `id` = @id AND `last_active` > DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND) AND `last_active` < DATE_SUB(@now, INTERVAL CAST(@sliding_window_us * @threshold AS SIGNED) MICROSECOND);
SELECT `session_data`, CAST(@sliding_window_us AS SIGNED), `last_active`, NULL FROM `sessions` WHERE `id` = @id AND `last_active` > DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND);

-- Set
INSERT INTO `sessions` (`id`, `session_data`, `last_active`) VALUES (@id, @data, @now)
  ON DUPLICATE KEY UPDATE `session_data` = VALUES(`session_data`), `last_active` = VALUES(`last_active`);

-- Refresh
UPDATE `sessions` SET `last_active` = @now WHERE `id` = @id AND `last_active` > DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND) AND `last_active` < DATE_SUB(@now, INTERVAL CAST(@sliding_window_us * @threshold AS SIGNED) MICROSECOND);

-- Remove
DELETE FROM `sessions` WHERE `id` = @id;

-- ReadExpiry
SET SESSION group_replication_consistency = 'BEFORE';
SELECT CAST(@sliding_window_us AS SIGNED), `last_active`, NULL FROM `sessions` WHERE `id` = @id AND `last_active` > DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND);

-- SelectMany(3)
SET SESSION group_replication_consistency = 'BEFORE';
SELECT `id`, `session_data`, CAST(@sliding_window_us AS SIGNED), `last_active`, NULL FROM `sessions` WHERE `id` IN (@id0, @id1, @id2) AND `last_active` > DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND);

-- RefreshMany(3)
UPDATE `sessions` SET `last_active` = @now WHERE `id` IN (@id0, @id1, @id2) AND `last_active` > DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND) AND `last_active` < DATE_SUB(@now, INTERVAL CAST(@sliding_window_us * @threshold AS SIGNED) MICROSECOND);

-- SetMany(3)
INSERT INTO `sessions` (`id`, `session_data`, `last_active`) VALUES (@id0, @data0, @now0),
    (@id1, @data1, @now1),
    (@id2, @data2, @now2)
  ON DUPLICATE KEY UPDATE `session_data` = VALUES(`session_data`), `last_active` = VALUES(`last_active`);

-- RemoveMany(3)
DELETE FROM `sessions` WHERE `id` IN (@id0, @id1, @id2);

-- ChangeId
UPDATE `sessions` SET `id` = @new_id, `last_active` = @now WHERE `id` = @id AND `last_active` > DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND);

-- PurgeExpired
DELETE FROM `sessions` WHERE `last_active` <= DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND) LIMIT @batch_size;

-- Statistics
SELECT COUNT(*) AS TotalRows, CAST(COALESCE(SUM(`last_active` <= DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND)), 0) AS SIGNED) AS ExpiredRows,
       CAST(COALESCE(SUM(LENGTH(`session_data`)), 0) AS SIGNED) AS DataBytes,
       MIN(`last_active`) AS OldestActivity, MAX(`last_active`) AS NewestActivity
  FROM `sessions`;

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

-- TryTakeSweepLock
SELECT GET_LOCK(@lock_name, 0);

-- ReleaseSweepLock
DO RELEASE_LOCK(@lock_name);

-- EstimateRows
SELECT CAST(COALESCE(TABLE_ROWS, 0) AS SIGNED) FROM INFORMATION_SCHEMA.TABLES
  WHERE TABLE_SCHEMA = COALESCE(@schema, DATABASE()) AND TABLE_NAME = @table;

-- Ping
SELECT 1;

