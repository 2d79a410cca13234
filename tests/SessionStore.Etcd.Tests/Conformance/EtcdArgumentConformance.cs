using SessionStore.Conformance;

namespace SessionStore.Etcd.Tests.Conformance;

public sealed class EtcdArgumentConformance(EtcdServerFixture etcd)
    : ArgumentContract(new EtcdCacheHarness(etcd)), IClassFixture<EtcdServerFixture>;
