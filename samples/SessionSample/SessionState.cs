using SessionSample.Account;
using SessionSample.Shop;

namespace SessionSample;

/// <summary>What the sample keeps in a session, by key, with its JSON contract. Load the session before calling these.</summary>
internal static class SessionState
{
    /// <summary>The visit history keeps this many of the latest page views.</summary>
    public const int VisitsKept = 10;

    private const string CartKey = "cart";
    private const string UserNameKey = "user";
    private const string VisitsKey = "visits";

    /// <summary>
    /// The cart, or an empty one. A cart written by an older build of the app that no longer deserializes is treated as empty
    /// (and logged) rather than breaking the shop for that visitor.
    /// </summary>
    public static Cart GetCart(this ISession session, ILogger logger) =>
        session.TryGetJson(CartKey, SampleJsonContext.Default.Cart, out var cart, logger) && cart is not null ? cart : new Cart();

    public static void SetCart(this ISession session, Cart cart) => session.SetJson(CartKey, cart, SampleJsonContext.Default.Cart);

    public static string? GetUserName(this ISession session) => session.GetString(UserNameKey);

    public static void SetUserName(this ISession session, string userName) => session.SetString(UserNameKey, userName);

    /// <summary>The latest page views, newest first.</summary>
    public static List<PageVisit> GetVisits(this ISession session) =>
        session.GetJson(VisitsKey, SampleJsonContext.Default.ListPageVisit) ?? [];

    public static void RecordVisit(this ISession session, PageVisit visit)
    {
        var visits = session.GetVisits();
        visits.Insert(0, visit);
        if (visits.Count > VisitsKept)
        {
            visits.RemoveRange(VisitsKept, visits.Count - VisitsKept);
        }

        session.SetJson(VisitsKey, visits, SampleJsonContext.Default.ListPageVisit);
    }
}
