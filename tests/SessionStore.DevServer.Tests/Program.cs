namespace SessionStore.DevServer.Tests;

/// <summary>
/// The assembly's entry point, in place of the one the test SDK generates (<c>GenerateProgramFile</c> is false): test
/// runners never call it; <see cref="DockerDiscoveryTests"/> run this assembly as a child process with a mode, because
/// Testcontainers discovers Docker only once per process.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args) => args switch
    {
        ["discover" or "start"] => await DockerDiscoveryChild.MainAsync(args[0]),
        _ => 0,
    };
}
