using SessionStore.Conformance;

namespace SessionStore.Etcd.Tests.Conformance;

public sealed class EtcdExpirationConformance(EtcdServerFixture etcd)
    : ExpirationContract(new EtcdCacheHarness(etcd)), IClassFixture<EtcdServerFixture>;
