using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using SessionStore.AspNetCore.Dancer;

namespace SessionStore.AspNetCore;

/// <summary>
/// A session of the running Dancer 1 app, read and written from ASP.NET Core: the JSON document in the shared table's row,
/// whose keys are the Perl app's session keys. Get one with <c>HttpContext.GetDancerSessionAsync</c>; changes are written by
/// <see cref="SaveAsync"/>.
/// </summary>
/// <remarks>
/// <see cref="SaveAsync"/> locks the row, applies only the keys this request set or removed to the document it finds there,
/// and writes it, so another request's changes to other keys (from either app) survive. Dancer's own flush writes its whole
/// in-memory copy, so a Perl request that read the session before this save and flushes after it overwrites this change,
/// as two Perl requests do to each other.
/// </remarks>
public sealed class DancerSession
{
    private readonly DancerSessionStore _store;
    private readonly HttpContext _context;
    private readonly DancerSessionOptions _options;
    private readonly Dictionary<string, JsonNode?> _set = new(StringComparer.Ordinal);
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);
    private JsonObject _document;
    private bool _stored;
    private bool _destroyed;

    internal DancerSession(DancerSessionStore store, HttpContext context, DancerSessionOptions options, string id, JsonObject document, bool stored)
    {
        _store = store;
        _context = context;
        _options = options;
        Id = id;
        _document = document;
        _stored = stored;
    }

    /// <summary>The session id: the Dancer cookie's value and the row's id.</summary>
    public string Id { get; private set; }

    /// <summary>
    /// Whether the id is one Dancer 1 built (digits only: from Perl's <c>rand</c>, the clock and the process id), which an
    /// attacker can narrow down. Move such a session to a strong id with <see cref="RegenerateIdAsync"/>, at sign-in at least.
    /// </summary>
    public bool HasWeakId => DancerSessionId.IsWeak(Id);

    /// <summary>The session's keys (Dancer's own <c>id</c> key excluded).</summary>
    public IReadOnlyCollection<string> Keys => [.. _document.Select(p => p.Key).Where(k => k != DancerDocument.IdKey)];

    /// <summary>The value under <paramref name="key"/> as JSON (a copy), or <see langword="null"/> when there is none.</summary>
    public JsonNode? Get(string key)
    {
        CheckKey(key);
        return _document[key]?.DeepClone();
    }

    /// <summary>The value under <paramref name="key"/>, deserialized; <see langword="default"/> when there is none.</summary>
    /// <exception cref="JsonException">The value does not have the shape of <typeparamref name="T"/>.</exception>
    public T? Get<T>(string key, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        CheckKey(key);
        return _document[key] is { } node ? node.Deserialize(typeInfo) : default;
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/> (JSON <c>null</c> for <see langword="null"/>); written by <see cref="SaveAsync"/>.</summary>
    public void Set(string key, JsonNode? value)
    {
        CheckKey(key);
        var copy = value?.DeepClone();
        _document[key] = copy;
        _set[key] = copy;
        _removed.Remove(key);
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/> serialized as JSON; written by <see cref="SaveAsync"/>.</summary>
    public void Set<T>(string key, T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        Set(key, JsonSerializer.SerializeToNode(value, typeInfo));
    }

    /// <summary>Removes <paramref name="key"/>; written by <see cref="SaveAsync"/>. False when there was none.</summary>
    public bool Remove(string key)
    {
        CheckKey(key);
        _set.Remove(key);
        _removed.Add(key);
        return _document.Remove(key);
    }

    /// <summary>
    /// Writes this request's changes. Returns <see langword="false"/>, writing nothing, when the session was destroyed
    /// meanwhile (by either app): a save never brings a destroyed session back.
    /// </summary>
    public async Task<bool> SaveAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_destroyed, this);
        if (!_stored)
        {
            await _store.InsertAsync(Id, _document.ToJsonString(), cancellationToken).ConfigureAwait(false);
            _stored = true;
            ClearChanges();
            return true;
        }

        return await WriteAsync(newId: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the session for both apps: deletes its row and expires the cookie.</summary>
    public async Task DestroyAsync(CancellationToken cancellationToken = default)
    {
        if (_stored)
        {
            await _store.DeleteAsync(Id, cancellationToken).ConfigureAwait(false);
        }

        _destroyed = true;
        _context.Response.Cookies.Delete(_options.CookieName, CookieOptions());
        _context.Items.Remove(DancerSessionAccess.ItemKey);
    }

    /// <summary>
    /// Moves the session, with this request's changes, to a new random id (192 bits, 32 characters of [A-Za-z0-9_-], which
    /// Dancer accepts), rewrites the document's <c>id</c> and sends the new cookie. The old id reads nothing afterwards.
    /// </summary>
    /// <exception cref="InvalidOperationException">The session was destroyed meanwhile.</exception>
    public async Task RegenerateIdAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_destroyed, this);
        var newId = DancerSessionId.NewStrongId();
        if (!_stored)
        {
            Id = newId;
            _document[DancerDocument.IdKey] = newId;
        }
        else if (!await WriteAsync(newId, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("The Dancer session was destroyed before its id could be changed.");
        }

        WriteCookie();
    }

    /// <summary>Sends the cookie naming this session.</summary>
    internal void WriteCookie()
    {
        if (_context.Response.HasStarted)
        {
            throw new InvalidOperationException("The response has started, so the Dancer session cookie can no longer be set.");
        }

        _context.Response.Cookies.Append(_options.CookieName, Id, CookieOptions());
    }

    private async Task<bool> WriteAsync(string? newId, CancellationToken cancellationToken)
    {
        var targetId = newId ?? Id;
        var written = await _store.UpdateAsync(Id, newId, current => DancerDocument.Merge(current, _set, _removed, targetId), cancellationToken)
            .ConfigureAwait(false);
        if (written is null)
        {
            return false;
        }

        Id = targetId;
        _document = DancerDocument.Parse(written);
        ClearChanges();
        return true;
    }

    private void ClearChanges()
    {
        _set.Clear();
        _removed.Clear();
    }

    private CookieOptions CookieOptions() => new()
    {
        Path = "/",
        HttpOnly = true,
        Secure = _options.CookieSecure,
        Domain = _options.CookieDomain,
        SameSite = SameSiteMode.Lax,
    };

    private static void CheckKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key == DancerDocument.IdKey)
        {
            throw new ArgumentException("'id' is Dancer's own key: it holds the session id. Use RegenerateIdAsync to change the id.", nameof(key));
        }
    }
}
