-- SessionStore: an alternative to the library's background sweep (set SweepExpiredEntries = false when you use this).
-- The server deletes expired sessions itself, every five minutes, in batches of 10 000 rows so no DELETE holds locks long.
-- Needs the event scheduler (SET GLOBAL event_scheduler = ON, or event_scheduler=ON in my.cnf) and the EVENT privilege
-- to create it. Idempotent. Rename `sessions` if you set the Table option to another name.
-- On Galera, events run on one node only if created with DISABLE ON SLAVE on the others; see the README's cluster section.
CREATE EVENT IF NOT EXISTS `sessionstore_purge_expired`
  ON SCHEDULE EVERY 5 MINUTE
  DO
    DELETE FROM `sessions` WHERE `expires_at` <= UTC_TIMESTAMP(6) ORDER BY `expires_at` LIMIT 10000;
