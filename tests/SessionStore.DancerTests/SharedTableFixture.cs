namespace SessionStore.DancerTests;

/// <summary>
/// One sessions table of a given shape, with the Dancer app and the ASP.NET Core app both running on it. A test class
/// shares one (plackup's server handles one request at a time, so a class's tests run one after another on it anyway);
/// each test uses its own browser and so its own session. The table is dropped afterwards.
/// </summary>
public abstract class SharedTableFixture : IAsyncLifetime
{
    private readonly string _columns;
    private DancerApp? _perl;
    private AspNetCoreApp? _dotNet;

    protected SharedTableFixture(string columns) => _columns = columns;

    public string Table { get; private set; } = "";

    public string ConnectionString { get; private set; } = "";

    internal DancerApp Perl => _perl ?? throw new InvalidOperationException("The fixture has not started.");

    internal AspNetCoreApp DotNet => _dotNet ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync()
    {
        ConnectionString = await DancerDatabase.ConnectionStringAsync();
        Table = await DancerDatabase.CreateTableAsync(_columns);
        _perl = await DancerApp.StartAsync(ConnectionString, Table);
        _dotNet = await AspNetCoreApp.StartAsync(ConnectionString, Table);
    }

    public async Task DisposeAsync()
    {
        if (_dotNet is not null)
        {
            await _dotNet.DisposeAsync();
        }

        if (_perl is not null)
        {
            await _perl.DisposeAsync();
        }

        if (Table.Length > 0)
        {
            await DancerDatabase.DropTableAsync(Table);
        }
    }
}
