namespace SessionStore.Keys;

/// <summary>
/// A cache that moves an entry to a new key in one atomic step, keeping its value and expiry (the Perl ancestors'
/// <c>change_id</c>). Session-id rotation uses it instead of a copy and a remove, which could leave the entry under both ids
/// or, between the two, under neither. Internal: the stores of this repository implement it, and <c>SessionStore.AspNetCore</c>
/// looks for it on the app's <c>IDistributedCache</c>.
/// </summary>
internal interface IKeyMovingCache
{
    /// <summary>
    /// Moves the live entry under <paramref name="currentKey"/> to <paramref name="newKey"/>; returns <see langword="false"/>,
    /// changing nothing, when there is none.
    /// </summary>
    Task<bool> ChangeKeyAsync(string currentKey, string newKey, CancellationToken token);
}
