using System.Buffers;
using SessionStore.Etcd.Storage;
using SessionStore.Expiry;

namespace SessionStore.Etcd.Tests;

public class EnvelopeTests
{
    private static readonly DateTime s_expiresAt = new(2030, 1, 2, 3, 4, 5, 678, 901, DateTimeKind.Utc);

    private static readonly EntryExpiration[] s_expirations =
    [
        new EntryExpiration(s_expiresAt, TimeSpan.FromMinutes(20), null),
        new EntryExpiration(s_expiresAt, null, s_expiresAt),
        new EntryExpiration(s_expiresAt, TimeSpan.FromTicks(10), s_expiresAt.AddHours(1)),
        new EntryExpiration(DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc), TimeSpan.FromDays(3650), null),
    ];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void WriteThenTryRead_RoundTripsExpiryAndData(int index)
    {
        var expiration = s_expirations[index];
        var data = new byte[] { 0, 1, 2, 255 };
        var stored = Envelope.Write(expiration, new ReadOnlySequence<byte>(data));

        Assert.True(Envelope.TryRead(stored, out var read));
        Assert.Equal(expiration, read);
        Assert.Equal(data, Envelope.Data(stored).ToArray());
        Assert.Equal(Envelope.HeaderLength + data.Length, stored.Length);
    }

    [Fact]
    public void WithExpiration_KeepsTheDataAndChangesTheExpiry()
    {
        var stored = Envelope.Write(new EntryExpiration(s_expiresAt, TimeSpan.FromMinutes(1), null), new ReadOnlySequence<byte>([7, 8]));
        var later = new EntryExpiration(s_expiresAt.AddMinutes(1), TimeSpan.FromMinutes(1), null);

        var extended = Envelope.WithExpiration(stored, later);

        Assert.True(Envelope.TryRead(extended, out var read));
        Assert.Equal(later, read);
        Assert.Equal(new byte[] { 7, 8 }, Envelope.Data(extended).ToArray());
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 2, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255 })]
    public void TryRead_BytesThatAreNotAnEnvelope_ReturnsFalse(byte[] stored) =>
        Assert.False(Envelope.TryRead(stored, out _));
}
