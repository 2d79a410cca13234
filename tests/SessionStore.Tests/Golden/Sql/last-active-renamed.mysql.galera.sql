-- Select
SET time_zone = '+00:00';
SET SESSION wsrep_sync_wait = 1;
SELECT `blob_data`, CAST(@sliding_window_us AS SIGNED), `touched`, NULL FROM `app`.`legacy` WHERE `sid` = @id AND `touched` > DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND);

-- ExtendAndSelect
SET time_zone = '+00:00';
SET SESSION wsrep_sync_wait = 1;
UPDATE `app`.`legacy` SET `touched` = @now WHERE `sid` = @id AND `touched` > DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND) AND `touched` < DATE_SUB(@now, INTERVAL CAST(@sliding_window_us * @threshold AS SIGNED) MICROSECOND);
SELECT `blob_data`, CAST(@sliding_window_us AS SIGNED), `touched`, NULL FROM `app`.`legacy` WHERE `sid` = @id AND `touched` > DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND);

-- Set
SET time_zone = '+00:00';
INSERT INTO `app`.`legacy` (`sid`, `blob_data`, `touched`) VALUES (@id, @data, @now) AS new
  ON DUPLICATE KEY UPDATE `blob_data` = new.`blob_data`, `touched` = new.`touched`;

-- Refresh
SET time_zone = '+00:00';
UPDATE `app`.`legacy` SET `touched` = @now WHERE `sid` = @id AND `touched` > DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND) AND `touched` < DATE_SUB(@now, INTERVAL CAST(@sliding_window_us * @threshold AS SIGNED) MICROSECOND);

-- Remove
DELETE FROM `app`.`legacy` WHERE `sid` = @id;

-- ReadExpiry
SET time_zone = '+00:00';
SET SESSION wsrep_sync_wait = 1;
SELECT CAST(@sliding_window_us AS SIGNED), `touched`, NULL FROM `app`.`legacy` WHERE `sid` = @id AND `touched` > DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND);

-- SelectMany(3)
SET time_zone = '+00:00';
SET SESSION wsrep_sync_wait = 1;
SELECT `sid`, `blob_data`, CAST(@sliding_window_us AS SIGNED), `touched`, NULL FROM `app`.`legacy` WHERE `sid` IN (@id0, @id1, @id2) AND `touched` > DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND);

-- RefreshMany(3)
SET time_zone = '+00:00';
UPDATE `app`.`legacy` SET `touched` = @now WHERE `sid` IN (@id0, @id1, @id2) AND `touched` > DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND) AND `touched` < DATE_SUB(@now, INTERVAL CAST(@sliding_window_us * @threshold AS SIGNED) MICROSECOND);

-- SetMany(3)
SET time_zone = '+00:00';
INSERT INTO `app`.`legacy` (`sid`, `blob_data`, `touched`) VALUES (@id0, @data0, @now0),
    (@id1, @data1, @now1),
    (@id2, @data2, @now2) AS new
  ON DUPLICATE KEY UPDATE `blob_data` = new.`blob_data`, `touched` = new.`touched`;

-- RemoveMany(3)
DELETE FROM `app`.`legacy` WHERE `sid` IN (@id0, @id1, @id2);

-- ChangeId
SET time_zone = '+00:00';
UPDATE `app`.`legacy` SET `sid` = @new_id, `touched` = @now WHERE `sid` = @id AND `touched` > DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND);

-- PurgeExpired
SET time_zone = '+00:00';
DELETE FROM `app`.`legacy` WHERE `touched` <= DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND) LIMIT @batch_size;

-- Statistics
SET time_zone = '+00:00';
SELECT COUNT(*) AS TotalRows, CAST(COALESCE(SUM(`touched` <= DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND)), 0) AS SIGNED) AS ExpiredRows,
       CAST(COALESCE(SUM(LENGTH(`blob_data`)), 0) AS SIGNED) AS DataBytes,
       MIN(`touched`) AS OldestActivity, MAX(`touched`) AS NewestActivity
  FROM `app`.`legacy`;

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
CREATE TABLE IF NOT EXISTS `app`.`legacy` (
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

