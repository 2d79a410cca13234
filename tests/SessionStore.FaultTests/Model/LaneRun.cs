using System.Globalization;
using System.Text;
using CsCheck;

namespace SessionStore.FaultTests.Model;

/// <summary>
/// One generated run of <see cref="ConcurrentLanesModelTests"/>: a sequence of operations per lane, performed in rounds
/// (round i runs every lane's i-th operation at once), and how far the shared clock moves after each round.
/// </summary>
/// <remarks>
/// Lanes' sequences come from <see cref="CacheOperation.Sequence"/> with its clock advances taken out: the clock is shared,
/// so it can only move between rounds, for every lane at once. Were each lane's advances applied to all lanes, the clock
/// would move nearly every round (24 lanes, each with about one advance in five operations) and entries would rarely
/// live long enough to be read. Instead a schedule of its own moves the clock after a quarter of the rounds, by 1 to 6
/// seconds: about 0.9 s per operation of a lane, close to the single-lane test's 0.75 s.
/// </remarks>
internal sealed record LaneRun(CacheOperation[][] Lanes, int[] AdvanceAfterRound)
{
    public const int LaneCount = 24;
    public const int MaxRounds = 60;

    public static Gen<LaneRun> Gen { get; } = CsCheck.Gen.Select(
        CacheOperation.Sequence.Array[LaneCount],
        CsCheck.Gen.Frequency((3, CsCheck.Gen.Const(0)), (1, CsCheck.Gen.Int[1, 6])).Array[MaxRounds],
        (lanes, advances) => new LaneRun(
            [.. lanes.Select(lane => lane.Where(operation => operation is not AdvanceOperation).Take(MaxRounds).ToArray())],
            advances));

    public int Rounds => Lanes.Max(lane => lane.Length);

    public static string Print(LaneRun run)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{run.Lanes.Length} lanes, {run.Rounds} rounds; clock advances after round (1-based) ");
        text.AppendJoin(", ", run.AdvanceAfterRound.Take(run.Rounds).Select((seconds, round) => (seconds, round)).Where(a => a.seconds > 0)
            .Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.round + 1}: {a.seconds}s")));
        for (var lane = 0; lane < run.Lanes.Length; lane++)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"lane {lane}: ").AppendJoin("; ", run.Lanes[lane].Select(o => o.ToString()));
        }

        return text.ToString();
    }
}
