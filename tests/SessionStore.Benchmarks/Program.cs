using SessionStore.Benchmarks;
using SessionStore.Benchmarks.Http;

// dotnet run -c Release --project tests/SessionStore.Benchmarks -- [--http] [--quick]
// The report goes to standard output, progress to standard error.
var settings = BenchmarkSettings.Parse(args);
if (settings is null)
{
    await Console.Error.WriteLineAsync(BenchmarkSettings.Usage);
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Let the run stop between rounds so the servers it started are stopped too.
    e.Cancel = true;
    cancellation.Cancel();
};

try
{
    if (settings.Http)
    {
        return await HttpBenchmarkRun.ExecuteAsync(settings, Console.Out, Console.Error, cancellation.Token);
    }

    await BenchmarkRun.ExecuteAsync(settings, Console.Out, Console.Error, cancellation.Token);
    return 0;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("Cancelled.");
    return 130;
}
