using SessionStore.Conformance;

namespace SessionStore.Etcd.Tests.Conformance;

public sealed class EtcdRoundTripConformance(EtcdServerFixture etcd)
    : RoundTripContract(new EtcdCacheHarness(etcd)), IClassFixture<EtcdServerFixture>;
