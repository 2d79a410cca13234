using SessionStore.Conformance;

namespace SessionStore.Etcd.Tests.Conformance;

public sealed class EtcdLazySlidingConformance(EtcdServerFixture etcd)
    : LazySlidingContract(new EtcdCacheHarness(etcd)), IClassFixture<EtcdServerFixture>;
