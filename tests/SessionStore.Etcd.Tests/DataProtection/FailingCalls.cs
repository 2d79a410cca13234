using Grpc.Core;
using Grpc.Core.Interceptors;

namespace SessionStore.Etcd.Tests.DataProtection;

/// <summary>
/// A gRPC interceptor that fails the next <see cref="Remaining"/> calls with <see cref="Failure"/> before they reach etcd, as a
/// leader election or an unreachable member would; the calls after that go through.
/// </summary>
public sealed class FailingCalls : Interceptor
{
    private int _remaining;

    public RpcException Failure { get; set; } = new(new Status(StatusCode.Unavailable, "etcdserver: leader changed"));

    public int Remaining
    {
        get => Volatile.Read(ref _remaining);
        set => Volatile.Write(ref _remaining, value);
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        FailIfDue();
        return continuation(request, context);
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        FailIfDue();
        return continuation(request, context);
    }

    private void FailIfDue()
    {
        if (Interlocked.Decrement(ref _remaining) >= 0)
        {
            throw Failure;
        }

        Interlocked.Exchange(ref _remaining, 0);
    }
}
