using System.Buffers;

namespace SessionStore.Conformance;

/// <summary>A segment of a multi-segment <see cref="ReadOnlySequence{T}"/>, as a pipe reader hands one over.</summary>
internal sealed class ChainedSegment : ReadOnlySequenceSegment<byte>
{
    private ChainedSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary>One sequence of <paramref name="parts"/>, a segment each.</summary>
    public static ReadOnlySequence<byte> SequenceOf(params byte[][] parts)
    {
        var first = new ChainedSegment(parts[0], 0);
        var last = first;
        foreach (var part in parts.Skip(1))
        {
            last = last.Append(part);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private ChainedSegment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new ChainedSegment(memory, RunningIndex + Memory.Length);
        Next = next;
        return next;
    }
}
