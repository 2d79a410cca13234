using System.Text.Json;
using System.Text.Json.Nodes;

namespace SessionStore.AspNetCore.Dancer;

/// <summary>
/// A Dancer session's row data: the session hash as Dancer::Session::DBI stores it, a JSON object whose <c>id</c> key holds
/// the session id. Keys the .NET side did not change are carried over exactly as they are.
/// </summary>
internal static class DancerDocument
{
    /// <summary>The key Dancer keeps the session id under, inside the document.</summary>
    public const string IdKey = "id";

    /// <summary>Reads a row's document; throws <see cref="InvalidDataException"/> for data that is not a JSON object.</summary>
    public static JsonObject Parse(string text)
    {
        try
        {
            if (JsonNode.Parse(text) is JsonObject document)
            {
                return document;
            }
        }
        catch (JsonException)
        {
        }

        throw new InvalidDataException(
            "A Dancer session row holds data that is not a JSON object. The sharing reads what Dancer::Session::DBI writes (JSON); " +
            "a Dancer app with another serializer (YAML, Storable) cannot share its sessions this way.");
    }

    /// <summary>A new session's document: only its id.</summary>
    public static JsonObject New(string id) => new() { [IdKey] = id };

    /// <summary>
    /// <paramref name="current"/> with this request's changes applied (<paramref name="removed"/> first, then
    /// <paramref name="set"/>) and its <c>id</c> set to <paramref name="id"/>, as the text to store.
    /// </summary>
    public static string Merge(string current, IReadOnlyDictionary<string, JsonNode?> set, IReadOnlySet<string> removed, string id)
    {
        var document = Parse(current);
        foreach (var key in removed)
        {
            document.Remove(key);
        }

        foreach (var (key, value) in set)
        {
            document[key] = value?.DeepClone();
        }

        document[IdKey] = id;
        return document.ToJsonString();
    }
}
