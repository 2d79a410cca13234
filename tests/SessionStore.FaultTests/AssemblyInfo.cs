// One test at a time: the outage, contention and sweep tests measure latencies and count failures, which a neighbouring
// test's load would blur. The whole project still runs in well under two minutes.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
