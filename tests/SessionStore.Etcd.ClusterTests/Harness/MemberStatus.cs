namespace SessionStore.Etcd.ClusterTests.Harness;

/// <summary>One member's answer to the maintenance Status call: who it is, whom it follows, how far its log is applied.</summary>
internal sealed record MemberStatus(ulong MemberId, ulong LeaderId, ulong RaftTerm, ulong RaftIndex, ulong AppliedIndex)
{
    public bool IsLeader => LeaderId != 0 && LeaderId == MemberId;

    public override string ToString() =>
        $"member {MemberId:x}, leader {(LeaderId == 0 ? "none" : LeaderId.ToString("x", System.Globalization.CultureInfo.InvariantCulture))}, term {RaftTerm}, index {RaftIndex}, applied {AppliedIndex}";
}
