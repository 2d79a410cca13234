namespace SessionStore.Conformance;

/// <summary>
/// The options every backend has, with the same meaning; what a contract test sets is applied to the backend's own
/// options class. A property left <see langword="null"/> keeps the backend's default, which the contract expects to be
/// the documented one.
/// </summary>
public sealed class ConformanceOptions
{
    /// <summary>The sliding window of an entry written with no expiration at all. Default: 20 minutes.</summary>
    public TimeSpan? DefaultSlidingExpiration { get; set; }

    /// <summary>
    /// Lazy sliding: the fraction of the window that must pass before a read or refresh writes a new expiry. Default: 0.1.
    /// </summary>
    public double? SlidingExtensionThreshold { get; set; }
}
