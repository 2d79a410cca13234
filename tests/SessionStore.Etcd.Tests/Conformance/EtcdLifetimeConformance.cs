using SessionStore.Conformance;

namespace SessionStore.Etcd.Tests.Conformance;

public sealed class EtcdLifetimeConformance(EtcdServerFixture etcd)
    : LifetimeContract(new EtcdCacheHarness(etcd)), IClassFixture<EtcdServerFixture>;
