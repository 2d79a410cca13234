// Each test class starts a three-member etcd cluster and measures pauses against election timeouts; two clusters at once
// on a two-core CI machine would distort both. One class at a time, as in SessionStore.ClusterTests.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
