// Each test class starts a three-node cluster (Galera, group replication) and measures pauses in seconds against
// failure-detection timeouts; two clusters at once on a two-core CI machine would distort both. One class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
