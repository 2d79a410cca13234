using SessionStore.Conformance;

namespace SessionStore.Etcd.Tests.Conformance;

public sealed class EtcdKeyConformance(EtcdServerFixture etcd)
    : KeyContract(new EtcdCacheHarness(etcd)), IClassFixture<EtcdServerFixture>;
